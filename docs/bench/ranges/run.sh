#!/usr/bin/env bash
# Issue 11's range benchmark: 1 KiB ranges at random offsets of a 10 GiB object against GETs of
# 1 KiB objects, on one cluster, interleaved, ROUNDS rounds (3); wrk for DURATION s (10) at 1 and
# 16 connections. Needs a cluster up (docs/bench/cluster.sh, DATA_SERVERS=6) at $BASE
# (http://127.0.0.1:23000) and wrk; prints "round workload connections requests/s p50_ms".
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
for r in $(seq "$ROUNDS"); do
  for c in 1 16; do
    for w in ranges objects; do
      if [ "$w" = ranges ]; then
        out=$(wrk -t 1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$here/range.lua" \
          "$BASE/objects/range-big" -- "$size" 1024)
      else
        out=$(wrk -t 1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$here/../compare/get.lua" \
          "$BASE" -- "$work/paths")
      fi
      echo "$r $w c$c $(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") $(p50 <<<"$out")"
      if grep -q Non-2xx <<<"$out"; then echo "  failed: $(grep Non-2xx <<<"$out")"; fi
    done
  done
done
