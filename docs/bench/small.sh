#!/usr/bin/env bash
# 4 KiB objects through the CLI's bench, targets interleaved: each round runs every op on every
# target, in an order that rotates each round; round 0 is a warm-up and is not reported.
#   small.sh ROUNDS TARGETS_FILE > results.tsv
# TARGETS_FILE: one target a line, "label cli.jar url" (the client jar that built with the server).
# Environment: OPS, as op:concurrency:count:warmup (default "get:1:20000:10000 get:16:20000:10000
# put:1:2000:1000 put:16:4000:1000"); warm-ups are counts, which every client version takes.
set -euo pipefail
rounds=$1 targets=$2
OPS=${OPS:-"get:1:20000:10000 get:16:20000:10000 put:1:2000:1000 put:16:4000:1000"}
mapfile -t lines < <(grep -v '^\s*#' "$targets" | grep .)
n=${#lines[@]}
printf 'round\top\tc\ttarget\tops_per_s\tp50_ms\tp99_ms\terrors\tload1\n'
for round in $(seq 0 "$rounds"); do
  for spec in $OPS; do
    IFS=: read -r op c count warmup <<<"$spec"
    for k in $(seq 0 $((n - 1))); do
      read -r label jar url <<<"${lines[$(((k + round) % n))]}"
      load=$(cut -d' ' -f1 /proc/loadavg)
      out=$(java -jar "$jar" --server "$url" bench --size 4k --count "$count" \
        --concurrency "$c" --op "$op" --warmup "$warmup" 2>&1 || true)
      get() { grep "^$1: " <<<"$out" | cut -d' ' -f2; }
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$op" "$c" "$label" \
        "$(get ops_per_s)" "$(get latency_p50_ms)" "$(get latency_p99_ms)" "$(get errors)" "$load"
    done
  done
done
