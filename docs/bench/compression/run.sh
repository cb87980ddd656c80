#!/usr/bin/env bash
# Compression on against off, side by side: a standalone api server (six data servers in its
# process) started afresh for each mode in each of RUNS rounds, the modes' order alternating; in
# each, every kind of content (data.py: JSON lines, logs, the machine's text, random bytes) is
# PUT, then GET identity and GET with Accept-Encoding: gzip, timed by curl, and the bytes its
# shard files take on disk are counted; then SMALL_COUNT PUTs of 4 KiB random bodies (the CLI's
# bench, 4 threads): what the probe costs small content that does not compress. summary.py
# prints medians and per-round ratios.
#
#   docs/bench/compression/run.sh
#
# Environment: OSTORE_TREE (this checkout; its ostore-server-api.jar and ostore-client.jar
# under */target, built by mvn -o -q package -DskipTests), SIZE_MIB (64), RUNS (5), GETS (3 per
# round and kind, the median kept), SMALL_COUNT (2000), JAVA_OPTS (-Xmx1g),
# OUT (/tmp/ostore-compression-DATE).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OSTORE_TREE=${OSTORE_TREE:-$(cd "$HERE/../../.." && pwd)}
SIZE_MIB=${SIZE_MIB:-64} RUNS=${RUNS:-5} GETS=${GETS:-3} JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
SMALL_COUNT=${SMALL_COUNT:-2000}
OUT=${OUT:-/tmp/ostore-compression-$(date +%Y%m%d-%H%M%S)}
JAR=$OSTORE_TREE/ostore-server-api/target/ostore-server-api.jar
CLIENT=$OSTORE_TREE/ostore-client/target/ostore-client.jar
KINDS=(json logs text random)
for jar in "$JAR" "$CLIENT"; do
  [ -f "$jar" ] || { echo "run.sh: build $jar first" >&2; exit 2; }
done
mkdir -p "$OUT"
python3 "$HERE/data.py" "$OUT/data" "$SIZE_MIB"
RESULTS=$OUT/results.tsv
printf 'round\tmode\tkind\tsize\tput_s\tget_s\tgzip_s\tgzip_bytes\tdisk\tload\n' >"$RESULTS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
seconds() { curl -sS -o /dev/null -w '%{time_total}\n' "$@"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
disk() { find "$1" -path '*/shards/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

round() {
  local r=$1 mode=$2 port root pid url
  port=$(free_port) root=$OUT/store-$r-$mode
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --listen-address 127.0.0.1:$port --storage-root "$root" \
    --compression "$mode" >"$OUT/api-$r-$mode.log" 2>&1 &
  pid=$!
  url=http://127.0.0.1:$port
  for _ in $(seq 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.2; done
  for kind in "${KINDS[@]}"; do
    local file=$OUT/data/$kind.bin before put get gz bytes load
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(disk "$root")
    put=$(seconds -X PUT -T "$file" "$url/objects/$kind")
    get=$(for _ in $(seq "$GETS"); do seconds "$url/objects/$kind"; done | median)
    gz=$(for _ in $(seq "$GETS"); do
      seconds -H 'Accept-Encoding: gzip' "$url/objects/$kind"; done | median)
    bytes=$(curl -sS -H 'Accept-Encoding: gzip' "$url/objects/$kind" | wc -c)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$kind" \
      "$(stat -c %s "$file")" "$put" "$get" "$gz" "$bytes" $(($(disk "$root") - before)) \
      "$load" >>"$RESULTS"
  done
  local ops
  load=$(cut -d' ' -f1 /proc/loadavg)
  ops=$(java -jar "$CLIENT" --server "$url" bench --size 4k --count "$SMALL_COUNT" \
    --concurrency 4 --op put | awk '/^ops_per_s:/ {print $2}')
  printf '%s\t%s\tsmall-put\t4096\t%s\t\t\t\t\t%s\n' "$r" "$mode" "$ops" "$load" >>"$RESULTS"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$root"
}

for r in $(seq "$RUNS"); do
  if ((r % 2)); then round "$r" true; round "$r" false; else round "$r" false; round "$r" true; fi
done
python3 "$HERE/summary.py" "$RESULTS" | tee "$OUT/table.md"
