#!/usr/bin/env bash
# Two builds side by side on 1 GiB PUTs and GETs: clusters a (PORT_A, 23000) and b (PORT_B,
# 23100) started by cluster.sh (OUT=/tmp/ob); ROUNDS rounds (3), alternating which goes first,
# a fresh 64-byte prefix before each PUT so that no content is stored already. Prints per round
# and cluster the MB/s of each transfer (curl) and the CPU centiseconds (user + system) that all
# of the cluster's JVMs spent on it (/proc/<pid>/stat); GETS (1) GETs follow each PUT. Needs the
# file BIG (/tmp/big1g). A deleted object's versions keep their shards until they are collected,
# so a round leaves 3 times BIG on the disk under OUT; the script stops before a round that would
# leave less than that free, rather than time PUTs that fail for room.
set -euo pipefail
. "$(dirname "$0")/cpu.sh"
OUT=${OUT:-/tmp/ob}
BIG=${BIG:-/tmp/big1g}
[ -f "$BIG" ] || head -c $((1 << 30)) /dev/urandom >"$BIG"
for r in $(seq "${ROUNDS:-3}"); do
  free_kib=$(df -Pk "$OUT" | awk 'NR == 2 {print $4}')
  if [ $((free_kib * 1024)) -lt $((6 * $(stat -c %s "$BIG"))) ]; then
    echo "big-ab.sh: $((free_kib >> 20)) GiB free under $OUT before round $r; start the" \
      "clusters again on fresh directories" >&2
    exit 1
  fi
  if [ $((r % 2)) = 1 ]; then order="a:${PORT_A:-23000} b:${PORT_B:-23100}"
  else order="b:${PORT_B:-23100} a:${PORT_A:-23000}"; fi
  for s in $order; do
    n=${s%%:*} p=${s##*:}
    head -c 64 /dev/urandom | dd of="$BIG" conv=notrunc status=none
    c0=$(cpu_ticks_of "$OUT/$n"/*.pid)
    put=$(curl -s -o /dev/null -w '%{speed_upload}' -T "$BIG" "http://127.0.0.1:$p/objects/big-$r")
    c1=$(cpu_ticks_of "$OUT/$n"/*.pid)
    line="$r $n put $((${put%.*} / 1000000)) MB/s cpu $((c1 - c0))cs"
    for _ in $(seq "${GETS:-1}"); do
      get=$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$p/objects/big-$r")
      c2=$(cpu_ticks_of "$OUT/$n"/*.pid)
      line="$line get $((${get%.*} / 1000000)) MB/s cpu $((c2 - c1))cs"
      c1=$c2
    done
    echo "$line"
    curl -s -X DELETE "http://127.0.0.1:$p/objects/big-$r" >/dev/null
  done
done
