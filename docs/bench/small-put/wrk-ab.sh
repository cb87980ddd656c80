#!/usr/bin/env bash
# Interleaved rounds of PUTs on two running stores, with wrk: 10 s a round, every body distinct
# (compare/put.lua), alternating which store goes first; CPU from /proc/<pid>/stat.
#   wrk-ab.sh NAME:PORT:PID NAME:PORT:PID ROUNDS CONCURRENCY SIZE
# Prints one line per round and store: round, concurrency, size, store, PUT/s, CPU ms per PUT
# (user + system of PID), p50, p99, lines of errors in wrk's report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cpu.sh"
a=$1 b=$2 rounds=$3 conc=$4 size=$5
tck=$(getconf CLK_TCK)
threads=$([ "$conc" = 1 ] && echo 1 || echo 2)
for r in $(seq "$rounds"); do
  order="$a $b"
  [ $((r % 2)) = 1 ] || order="$b $a"
  for s in $order; do
    IFS=: read -r n p pid <<<"$s"
    c0=$(cpu_ticks "$pid")
    out=$(wrk -t "$threads" -c "$conc" -d 10s --latency -s "$here/../compare/put.lua" \
      "http://127.0.0.1:$p" -- "/objects/r$r-$size-" "$size")
    c1=$(cpu_ticks "$pid")
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '%s\tc%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\n' "$r" "$conc" "$size" "$n" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
      "$(echo "($c1 - $c0) * 1000 / $tck / $reqs" | bc -l)" \
      "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
      "$(grep -c 'Non-2xx\|Socket errors' <<<"$out" || true)"
  done
done
