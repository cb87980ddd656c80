#!/usr/bin/env bash
# Section 23 of docs/benchmarks.md: how fast a collection pass frees space, and what a pass
# running at its default throttle costs PUTs and GETs. One cluster of 1 api + 6 data servers over
# RabbitMQ with SQLite (docs/bench/cluster.sh), this checkout's jars (mvn -B -q package -DskipTests).
#   OUT=/tmp/gcb N=100000 GARBAGE=30000 ROUNDS=3 docs/bench/collect/run.sh > results.txt
# PHASES="rate cost" by default; either alone runs only that part.
# Rate: N objects of 4 KiB are written by `bench` (which removes its versions at the end, so their
# contents become garbage), then one unthrottled pass collects them. Cost: GARBAGE more, then a
# pass at the default throttle runs while bench rounds of GETs and PUTs run; the same rounds run
# before it starts and after it ends (A B..B A), on the same cluster.
# Writes about (N + GARBAGE) x 4 KiB x 3 copies under OUT, all freed again after HOLD_FOR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/../../.." && pwd)
export OUT=${OUT:-/tmp/gcb} DATA_SERVERS=6 JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
N=${N:-100000} GARBAGE=${GARBAGE:-30000} ROUNDS=${ROUNDS:-3} PHASES=${PHASES:-"rate cost"}
port=24000 api=http://127.0.0.1:24000
cli() { java -jar "$tree/ostore-client/target/ostore-client.jar" --server "$api" "$@"; }
du_data() { du -sb "$OUT"/gc/data-* | awk '{s += $1} END {print s}'; }
bench() { cli bench --size 4k "$@" 2>&1 | awk '/^ops_per_s|^latency_p50_ms|^errors/ {printf "%s ", $0} END {print ""}'; }
pass() { # POST /collect, wait for the pass to end, print its report
  curl -sf -X POST "$api/collect" >/dev/null
  while curl -sf "$api/collect" | grep -q '"state":"running"'; do sleep 1; done
  curl -sf "$api/collect"; echo
}
start() { env "$@" "$tree/docs/bench/cluster.sh" start gc $port; }
stop() { "$tree/docs/bench/cluster.sh" stop gc; }
trap stop EXIT
echo "# $(date -u +%FT%TZ) $(git -C "$tree" rev-parse --short HEAD) N=$N GARBAGE=$GARBAGE"

if [[ $PHASES == *rate* ]]; then
start COLLECT_GRACE=5s COLLECT_INTERVAL=24h COLLECT_RATE=0
echo "fill $N: $(bench --op put --count "$N" --concurrency 16 --warmup 0)"
echo "data bytes before: $(du_data)"
sleep 6
echo "unthrottled pass: $(pass)"
echo "data bytes after (held until HOLD_FOR): $(du_data)"
stop
fi
[[ $PHASES == *cost* ]] || exit 0

start COLLECT_GRACE=5s COLLECT_INTERVAL=24h
measure() {
  for op in get put; do
    for c in 1 16; do
      echo "$1 $op c=$c load=$(cut -d' ' -f1 /proc/loadavg): $(bench --op $op --concurrency $c \
        --count $((c == 1 ? 1000 : 4000)) --warmup 500)"
    done
  done
}
echo "fill $GARBAGE: $(bench --op put --count "$GARBAGE" --concurrency 16 --warmup 0)"
for r in $(seq "$ROUNDS"); do measure idle-before; done
sleep 6
curl -sf -X POST "$api/collect" >/dev/null
r=0
while curl -sf "$api/collect" | grep -q '"state":"running"'; do
  measure during
  r=$((r + 1))
  [ "$r" -ge "$ROUNDS" ] && break
done
echo "pass still running after the rounds: $(curl -sf "$api/collect" | grep -c '"state":"running"' || true)"
while curl -sf "$api/collect" | grep -q '"state":"running"'; do sleep 1; done
echo "default-throttle pass: $(curl -sf "$api/collect")"
for r in $(seq "$ROUNDS"); do measure idle-after; done
