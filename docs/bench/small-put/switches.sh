#!/usr/bin/env bash
# Alternating rounds of 4 KiB PUTs from wrk on two stores, each run with the store's CPU and the
# times its threads blocked (voluntary context switches) per PUT, by thread group: on a virtual
# machine a thread woken costs tens of microseconds, and these counts barely move with the noise
# that moves PUTs a second.
#   switches.sh NAME:PORT NAME:PORT [ROUNDS] [SECONDS]
# Prints one line per run: round, connections, store, PUT/s, CPU ms per PUT, then group=blocks
# per PUT for each group that blocked more than once in 20 PUTs, and all=the whole process.
# Rounds run 1 connection, then 16, and alternate which store goes first. A thread that ends
# during a run (Jetty lets an idle one go after a minute) takes its count with it: a group's
# figure falls in such a run, and can go below zero.
# Environment: OUT (the stores' directories, each with its *.pid files, as cluster.sh writes
# them), TREE (the checkout whose put.lua is used).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TREE=${TREE:-$(cd "$here/../../.." && pwd)}
OUT=${OUT:-/tmp/ostore-bench}
first=$1 second=$2 rounds=${3:-6} seconds=${4:-8}
tck=$(getconf CLK_TCK)
. "$here/../cpu.sh"
# blocks PID...: "group count" lines, a thread's group being its name without its numbers.
blocks() {
  local pid
  for pid in "$@"; do
    # One awk for all threads; a thread that ends meanwhile is skipped.
    awk '/^Name:/ {sub(/^Name:[ \t]*/, ""); gsub(/ /, "_"); name = $0}
      /^voluntary_ctxt_switches/ {print name, $2}' /proc/"$pid"/task/*/status 2>/dev/null || true
  done | awk '{g = $1; gsub(/[-#]?[0-9]+/, "", g); n[g] += $2} END {for (g in n) print g, n[g]}' |
    sort
}
run() { # name port connections
  local pids=() file before after cpu0 cpu1 out puts
  for file in "$OUT/$1"/*.pid; do pids+=("$(cat "$file")"); done
  before=$(blocks "${pids[@]}")
  cpu0=$(cpu_ticks "${pids[@]}")
  out=$(wrk -t "$([ "$3" = 1 ] && echo 1 || echo 2)" -c "$3" -d "${seconds}s" \
    -s "$TREE/docs/bench/compare/put.lua" "http://127.0.0.1:$2" -- "/objects/sw-$round-$1-$3-")
  cpu1=$(cpu_ticks "${pids[@]}")
  after=$(blocks "${pids[@]}")
  puts=$(awk '/requests in/{print $1}' <<<"$out")
  printf '%s\tc%s\t%s\t%s\t%.3f\t%s\n' "$round" "$3" "$1" \
    "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(echo "($cpu1 - $cpu0) * 1000 / $tck / $puts" | bc -l)" \
    "$(join -a 2 <(echo "$before") <(echo "$after") | awk -v n="$puts" '
      NF == 2 {$3 = $2; $2 = 0}
      {d = $3 - $2; all += d; if (d > n / 20) printf "%s=%.2f ", $1, d / n}
      END {printf "all=%.2f", all / n}')"
}
for round in $(seq "$rounds"); do
  order="$first $second"
  [ $((round % 2)) = 1 ] || order="$second $first"
  for connections in 1 16; do
    for store in $order; do run "${store%%:*}" "${store##*:}" "$connections"; done
  done
done
