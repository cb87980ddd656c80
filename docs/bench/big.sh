#!/usr/bin/env bash
# Large objects with curl, targets interleaved (order reversed every other round; round 0 is a
# warm-up, not reported). Before each PUT the file's first 64 bytes are replaced with random ones,
# so that every PUT carries content no store holds yet.
#   big.sh ROUNDS FILE TARGETS_FILE > results.tsv
# TARGETS_FILE: one target a line, "label base-url" (PUT and GET go to base-url/objects/big-<label>).
set -euo pipefail
rounds=$1 file=$2 targets=$3
mapfile -t lines < <(grep -v '^\s*#' "$targets" | grep .)
printf 'round\ttarget\top\tstatus\tseconds\tbytes\tload1\n'
for round in $(seq 0 "$rounds"); do
  order=("${lines[@]}")
  if ((round % 2)); then mapfile -t order < <(printf '%s\n' "${lines[@]}" | tac); fi
  for line in "${order[@]}"; do
    read -r label url <<<"$line"
    head -c 64 /dev/urandom | dd of="$file" conv=notrunc status=none
    load=$(cut -d' ' -f1 /proc/loadavg)
    r=$(curl -s -o /dev/null -w '%{http_code}\t%{time_total}\t%{size_upload}' -T "$file" "$url/objects/big-$label")
    printf '%s\t%s\tput\t%s\t%s\n' "$round" "$label" "$r" "$load"
    load=$(cut -d' ' -f1 /proc/loadavg)
    r=$(curl -s -o /dev/null -w '%{http_code}\t%{time_total}\t%{size_download}' "$url/objects/big-$label")
    printf '%s\t%s\tget\t%s\t%s\n' "$round" "$label" "$r" "$load"
  done
done
