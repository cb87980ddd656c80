#!/usr/bin/env bash
# Two builds of the api server side by side as one-command stores (OLD_JAR, NEW_JAR, both
# /tmp/api-*.jar by default), alternating: the CLI (CLI_JAR) putting a 1 GiB file, resumable in
# 256 MiB pieces, and curl appending 16 pieces of 8 MiB to one upload (PUT /temp/<token>).
set -euo pipefail
D=${OUT:-/tmp/appab}; mkdir -p "$D"; [ -f "$D/big" ] || head -c $((1 << 30)) /dev/urandom >"$D/big"
java -jar ${OLD_JAR:-/tmp/api-old.jar} --listen-address 127.0.0.1:24701 --storage-root $D/old > $D/old.log 2>&1 & p1=$!
java -jar ${NEW_JAR:-/tmp/api-new.jar} --listen-address 127.0.0.1:24702 --storage-root $D/new > $D/new.log 2>&1 & p2=$!
trap 'kill $p1 $p2; wait 2>/dev/null || true' EXIT
for port in 24701 24702; do for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.2; done; done
head -c $((8<<20)) /dev/urandom > $D/p8
n=0
for round in $(seq 1 ${ROUNDS:-6}); do
  for k in 0 1; do
    if [ $(( (k + round) % 2 )) = 0 ]; then v=old; port=24701; else v=new; port=24702; fi
    n=$((n+1))
    printf '%064d' $n | dd of=$D/big conv=notrunc status=none
    t0=$(date +%s.%N)
    java -jar ${CLI_JAR:-/tmp/cli.jar} --server http://127.0.0.1:$port put obj-$n $D/big >/dev/null
    t1=$(date +%s.%N)
    # 16 appends of 8 MiB into one 128 MiB upload, timed from the first to the last answer
    printf '%064d' $((n+500)) | dd of=$D/p8 conv=notrunc status=none
    loc=$(curl -s -o /dev/null -D - -X POST -H "Size: $((128<<20))" http://127.0.0.1:$port/objects/ap-$n | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
    t2=$(date +%s.%N)
    for k2 in $(seq 0 15); do
      curl -s -o /dev/null -X PUT -H "Range: bytes=$((k2<<23))-" -H "Expect:" --data-binary @$D/p8 http://127.0.0.1:$port$loc
    done
    t3=$(date +%s.%N)
    echo "$round $v put1GiB=$(echo "$t0 $t1" | awk '{printf "%.3f", $2-$1}') appends16x8MiB=$(echo "$t2 $t3" | awk '{printf "%.3f", $2-$1}')"
  done
done
