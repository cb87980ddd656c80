#!/usr/bin/env bash
# Two builds side by side on GETs of one 1 GiB object each: clusters a (PORT_A, 23000) and b
# (PORT_B, 23100) started by cluster.sh (OUT=/tmp/ob), each holding NAME (getab), which this
# script does not write. ROUNDS rounds (10), alternating which goes first; per round and cluster
# the MB/s of the GET (curl; with AT_ONCE=N, of N GETs at once, all their bytes over their time),
# the CPU centiseconds (user + system) of the api server and of the whole cluster, and the api
# server's thread switches (voluntary and not, all its threads).
set -euo pipefail
. "$(dirname "$0")/cpu.sh"
OUT=${OUT:-/tmp/ob}
NAME=${NAME:-getab}
# get_at_once URL: bytes a second of AT_ONCE (1) GETs of URL at once, all their bytes over the
# time from the first start to the last end
get_at_once() {
  if [ "${AT_ONCE:-1}" = 1 ]; then
    curl -s -o /dev/null -w '%{speed_download}' "$1"
    return
  fi
  local t0 t1 bytes
  t0=$(date +%s%N)
  bytes=$(for _ in $(seq "$AT_ONCE"); do curl -s -o /dev/null -w '%{size_download}\n' "$1" & done
    wait)
  t1=$(date +%s%N)
  echo "$bytes" | awk -v ns=$((t1 - t0)) '{ b += $1 } END { printf "%d", b / (ns / 1e9) }'
}
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
for r in $(seq "${ROUNDS:-10}"); do
  if [ $((r % 2)) = 1 ]; then order="a:${PORT_A:-23000} b:${PORT_B:-23100}"
  else order="b:${PORT_B:-23100} a:${PORT_A:-23000}"; fi
  for s in $order; do
    n=${s%%:*} p=${s##*:}
    api=$(cat "$OUT/$n/api.pid")
    all=$(cat "$OUT/$n"/*.pid)
    c0=$(cpu_ticks "$api") a0=$(cpu_ticks $all) w0=$(switches "$api")
    get=$(get_at_once "http://127.0.0.1:$p/objects/$NAME")
    c1=$(cpu_ticks "$api") a1=$(cpu_ticks $all) w1=$(switches "$api")
    echo "$r $n get $((${get%.*} / 1000000)) MB/s api_cpu $((c1 - c0))cs all_cpu $((a1 - a0))cs api_switches $((w1 - w0))"
  done
done
