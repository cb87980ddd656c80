#!/usr/bin/env bash
# Issue 11's range benchmark: 1 KiB ranges at random offsets of a 10 GiB object against GETs of
# 1 KiB objects, on one cluster, interleaved, ROUNDS rounds (3); wrk for DURATION s (10) at 1 and
# 16 connections. Needs a cluster up (docs/bench/cluster.sh, DATA_SERVERS=6) at $BASE
# (http://127.0.0.1:23000) and wrk; prints "round workload connections requests/s p50_ms".
# With COLD set to a second api server of the same cluster started with SMALL_CONTENT_CACHE=0
# (cold.sh starts one), the 1 KiB objects are also read through it, after one read each to learn
# their holders: the workload "cold-objects", every GET from a data server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BASE=${BASE:-http://127.0.0.1:23000}
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${DURATION:-10}
BIG_GIB=${BIG_GIB:-10}
work=${WORK:-/tmp/ostore-ranges}
mkdir -p "$work"
size=$((BIG_GIB << 30))
if [ "$(curl -s -o /dev/null -w '%{http_code}' -I "$BASE/objects/range-big")" != 200 ]; then
  head -c $((1 << 30)) /dev/urandom >"$work/1g"
  for _ in $(seq "$BIG_GIB"); do cat "$work/1g"; done |
    curl -sf -o /dev/null -T - "$BASE/objects/range-big"
  rm -f "$work/1g"
fi
: >"$work/paths"
for i in $(seq 1000); do
  head -c 1024 /dev/urandom | curl -sf -o /dev/null -T - "$BASE/objects/range-small-$i"
  echo "/objects/range-small-$i" >>"$work/paths"
done
p50() { awk '/^ +50%/ { v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v }'; }
workloads=(ranges objects)
if [ -n "${COLD:-}" ]; then
  workloads+=(cold-objects)
  while read -r path; do curl -sf -o /dev/null "$COLD$path"; done <"$work/paths"
fi
for r in $(seq "$ROUNDS"); do
  for c in 1 16; do
    for w in "${workloads[@]}"; do
      if [ "$w" = ranges ]; then
        out=$(wrk -t 1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$here/range.lua" \
          "$BASE/objects/range-big" -- "$size" 1024)
      else
        out=$(wrk -t 1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$here/../compare/get.lua" \
          "$([ "$w" = objects ] && echo "$BASE" || echo "$COLD")" -- "$work/paths")
      fi
      echo "$r $w c$c $(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") $(p50 <<<"$out")"
      if grep -q Non-2xx <<<"$out"; then echo "  failed: $(grep Non-2xx <<<"$out")"; fi
    done
  done
done
