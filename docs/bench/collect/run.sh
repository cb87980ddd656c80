#!/usr/bin/env bash
# Section 23 of docs/benchmarks.md: how fast a collection pass frees space, what CPU it costs per
# content, and what a pass running at its default throttle costs PUTs and GETs. One cluster of
# 1 api + 6 data servers over RabbitMQ with SQLite (docs/bench/cluster.sh), built from this
# checkout (mvn -B -q package -DskipTests) unless BUILDS names other checkouts.
#   OUT=/tmp/gcb N=30000 GARBAGE=2500 ROUNDS=5 BUILDS="/old/checkout $PWD" \
#     docs/bench/collect/run.sh > results.txt
#   python3 docs/bench/collect/medians.py results.txt
# PHASES="rate cpu cost" by default; any of them alone runs only that part.
# rate: for each checkout in BUILDS, N objects of 4 KiB are written by `bench` (which removes
#   its versions at the end, so their contents become garbage), then one unthrottled pass
#   collects them.
# cpu: for each checkout in BUILDS (default: this one), ROUNDS times: GARBAGE unreferenced
#   contents, then a pass at the default throttle on an otherwise idle cluster; the CPU time all
#   seven JVMs spend during the pass (from /proc/<pid>/stat), less what they spend idle.
# cost: for each checkout in BUILDS, ROUNDS times: GARBAGE unreferenced contents, SETTLE seconds
#   (20), then bench rounds of GETs and PUTs on the idle cluster (A) and the same rounds while a
#   pass at the default throttle collects the garbage (B): A first in odd rounds, B in even ones.
#   The rounds keep their objects (--keep), so that they make no garbage of their own.
# Writes about (N + ROUNDS x GARBAGE x 3) x 4 KiB x 3 copies a build under OUT; each phase
# starts afresh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/../../.." && pwd)
. "$here/../cpu.sh"
export OUT=${OUT:-/tmp/gcb} DATA_SERVERS=6 JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
N=${N:-30000} GARBAGE=${GARBAGE:-2500} ROUNDS=${ROUNDS:-5} PHASES=${PHASES:-"rate cpu cost"}
BUILDS=${BUILDS:-$tree} SETTLE=${SETTLE:-20}
port=24000 api=http://127.0.0.1:24000
cli() { java -jar "$tree/ostore-client/target/ostore-client.jar" --server "$api" "$@"; }
du_data() { du -sb "$OUT"/gc/data-* | awk '{s += $1} END {print s}'; }
bench() { cli bench --size 4k "$@" 2>&1 | awk '/^ops_per_s|^latency_p50_ms|^errors/ {printf "%s ", $0} END {print ""}'; }
garbage() { # $1 contents written and their versions removed: garbage once past the grace
  out=$(cli bench --size 4k --op put --count "$1" --concurrency 16 --warmup 0 2>&1) \
    || { echo "bench failed: $out" >&2; return 1; }
}
running() { curl -sf "$api/collect" | grep -q '"state":"running"'; }
collected() { curl -sf "$api/collect" | grep -o '"contentsCollected":[0-9]*' | head -1 | cut -d: -f2; }
wait_pass() { while running; do sleep 1; done; }
pass() { # POST /collect, wait for the pass to end, print its report
  curl -sf -X POST "$api/collect" >/dev/null
  wait_pass
  curl -sf "$api/collect"; echo
}
# CPU ticks (1/100 s) of the cluster's JVMs together.
ticks() { cpu_ticks_of "$OUT"/gc/*.pid; }
start() { env "$@" "$tree/docs/bench/cluster.sh" start gc $port; }
boot() { # a fresh cluster of checkout $1 (its short commit in rev), warmed up, a pass included
  rm -rf "$OUT/gc"
  TREE=$1 start COLLECT_GRACE=5s COLLECT_INTERVAL=24h
  rev=$(git -C "$1" rev-parse --short HEAD)
  garbage 2000; sleep 6; pass >/dev/null
}
stop() { "$tree/docs/bench/cluster.sh" stop gc; }
[ -f "$tree/ostore-client/target/ostore-client.jar" ] \
  || { echo "no client jar: mvn -B -q package -DskipTests first" >&2; exit 1; }
trap stop EXIT
echo "# $(date -u +%FT%TZ) $(git -C "$tree" rev-parse --short HEAD) N=$N GARBAGE=$GARBAGE ROUNDS=$ROUNDS"

if [[ $PHASES == *rate* ]]; then
for build in $BUILDS; do
  rm -rf "$OUT/gc"
  TREE=$build start COLLECT_GRACE=5s COLLECT_INTERVAL=24h COLLECT_RATE=0
  rev=$(git -C "$build" rev-parse --short HEAD)
  echo "rate $rev fill $N: $(bench --op put --count "$N" --concurrency 16 --warmup 0)"
  echo "rate $rev data bytes before: $(du_data)"
  sleep 6
  echo "rate $rev unthrottled pass: $(pass)"
  echo "rate $rev data bytes after (held until HOLD_FOR): $(du_data)"
  stop
done
fi

if [[ $PHASES == *cpu* ]]; then
for build in $BUILDS; do
  boot "$build"
  for r in $(seq "$ROUNDS"); do
    garbage "$GARBAGE"
    sleep 6
    a=$(ticks); sleep 10; idle=$(( $(ticks) - a ))
    before=$(ticks) t0=$(date +%s.%N)
    curl -sf -X POST "$api/collect" >/dev/null
    wait_pass
    spent=$(( $(ticks) - before )) secs=$(echo "$(date +%s.%N) - $t0" | bc)
    n=$(curl -sf "$api/collect" | grep -o '"lastPass":{[^}]*' | grep -o '"contentsCollected":[0-9]*' | cut -d: -f2)
    echo "cpu $rev round $r: collected $n in ${secs}s, cpu ticks $spent, idle ticks/10s $idle, ms per content $(echo "scale=3; ($spent - $idle * $secs / 10) * 10 / $n" | bc)"
  done
  stop
done
fi
[[ $PHASES == *cost* ]] || exit 0

measure() {
  for op in get put; do
    for c in 1 16; do
      echo "$1 $op c=$c load=$(cut -d' ' -f1 /proc/loadavg): $(bench --op $op --concurrency $c \
        --count $((c == 1 ? 1000 : 4000)) --warmup 500 --keep)"
    done
  done
}
for build in $BUILDS; do
  boot "$build"
  for r in $(seq "$ROUNDS"); do
    garbage "$GARBAGE"
    sleep "$SETTLE"
    # Odd rounds measure idle first, even ones with the pass first: neither is always the nearer
    # to the writes of the garbage (their writeback, their JIT and GC aftermath).
    if [ $((r % 2)) = 1 ]; then measure "$rev idle"; fi
    curl -sf -X POST "$api/collect" >/dev/null
    measure "$rev during"
    echo "$rev pass still running after the rounds: $(running && echo yes || echo no)," \
      "collected so far $(collected)"
    wait_pass
    if [ $((r % 2)) = 0 ]; then measure "$rev idle"; fi
  done
  echo "$rev last pass: $(curl -sf "$api/collect")"
  stop
done
