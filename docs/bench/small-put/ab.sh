#!/usr/bin/env bash
# Interleaved rounds of 4 KiB PUTs on two clusters that docs/bench/cluster.sh started, each with
# the CPU that all of its JVMs spent per PUT (user + system, from /proc/<pid>/stat).
#   ab.sh NAME:PORT NAME:PORT [ROUNDS]
# Prints one line per run: round, concurrency, cluster, PUT/s, CPU ms per PUT, p50 ms,
# errors/load average. Rounds alternate which cluster goes first.
# Environment: OUT (as cluster.sh), TREE (the client's checkout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TREE=${TREE:-$(cd "$here/../../.." && pwd)}
OUT=${OUT:-/tmp/ostore-bench}
first=$1 second=$2 rounds=${3:-6}
tck=$(getconf CLK_TCK)
. "$here/../cpu.sh"
run() { # name port concurrency count
  local before after res
  before=$(cpu_ticks_of "$OUT/$1"/*.pid)
  res=$(java -jar "$TREE/ostore-client/target/ostore-client.jar" --server "http://127.0.0.1:$2" \
    bench --size 4096 --count "$4" --concurrency "$3" --op put --warmup 100 --keep 2>&1)
  after=$(cpu_ticks_of "$OUT/$1"/*.pid)
  printf '%s\tc%s\t%s\t%s\t%.3f\t%s\t%s/%s\n' "$round" "$3" "$1" \
    "$(awk '/^ops_per_s/{print $2}' <<<"$res")" \
    "$(echo "($after - $before) * 1000 / $tck / ($4 + 100)" | bc -l)" \
    "$(awk '/^latency_p50_ms/{print $2}' <<<"$res")" \
    "$(awk '/^errors/{print $2}' <<<"$res")" "$(cut -d' ' -f1 /proc/loadavg)"
}
for round in $(seq "$rounds"); do
  order="$first $second"
  [ $((round % 2)) = 1 ] || order="$second $first"
  for concurrency in 1 16; do
    count=$([ "$concurrency" = 1 ] && echo 1000 || echo 3000)
    for cluster in $order; do run "${cluster%%:*}" "${cluster##*:}" "$concurrency" "$count"; done
  done
done
