#!/usr/bin/env bash
# Interleaved rounds of 4 KiB GETs on two running stores, alternating which goes first: wrk on
# CONCURRENCY connections for SECONDS (5), or, with CONCURRENCY "curl", 1,000 GETs one after
# another on one keep-alive connection, timed by curl itself as compare.sh's get4k is. Before
# the first round each store gets 200 objects of 4,000 random bytes (/objects/ab-1..ab-200, PUT
# again when missing) and 10 s of GETs at 8 connections. CPU from /proc/<pid>/stat.
#   small-get-ab.sh NAME:PORT:PID NAME:PORT:PID ROUNDS CONCURRENCY
# Prints one line per round and store: round, concurrency, store, GET/s, CPU us per GET (user +
# system of PID; with curl, over curl's whole run, its pauses between requests included).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cpu.sh"
. "$here/small-objects.sh"
a=$1 b=$2 rounds=$3 conc=$4
seconds=${SECONDS_A_ROUND:-5}
tck=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small_paths ab- >"$work/paths"
for s in $a $b; do
  IFS=: read -r n p pid <<<"$s"
  small_objects "http://127.0.0.1:$p" ab- 4000 "$work"
  small_gets "http://127.0.0.1:$p" "$work/paths" "$work/$n.curl"
done
for r in $(seq "$rounds"); do
  order="$a $b"
  [ $((r % 2)) = 1 ] || order="$b $a"
  for s in $order; do
    IFS=: read -r n p pid <<<"$s"
    c0=$(cpu_ticks "$pid")
    if [ "$conc" = curl ]; then
      read -r reqs rate < <(curl -s -K "$work/$n.curl" -w '%{http_code} %{time_total}\n' |
        awk '$1 == 200 {n++; t += $2} END {printf "%d %.0f\n", n, n / t}')
    else
      out=$(wrk -t "$([ "$conc" = 1 ] && echo 1 || echo 2)" -c "$conc" -d "${seconds}s" \
        -s "$here/compare/get.lua" "http://127.0.0.1:$p" -- "$work/paths")
      reqs=$(awk '/requests in/ {print $1}' <<<"$out")
      rate=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    fi
    c1=$(cpu_ticks "$pid")
    printf '%s\t%s\t%s\t%s\t%.0f\n' "$r" "$conc" "$n" "$rate" \
      "$(echo "($c1 - $c0) * 1000000 / $tck / $reqs" | bc -l)"
  done
done
