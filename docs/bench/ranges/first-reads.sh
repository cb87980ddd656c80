#!/usr/bin/env bash
# Issue 11's range benchmark, against first reads: run.sh's 1 KiB objects are served from the
# memory of the api server that stored them, so this compares ranges with 1 KiB objects the api
# server has not read yet. Restarts the cluster NAME (docs/bench/cluster.sh; its files stay) so
# that its memory is empty, warms both paths on objects it then leaves out, and times sequential
# curl (keep-alive) requests: 700 first reads of 1 KiB objects, 700 random 1 KiB ranges of the
# 10 GiB object, alternately in blocks of 100. Run run.sh first (it stores the objects).
# Prints "workload requests/s" per block. Environment: as cluster.sh, and NAME (r), PORT (23000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NAME=${NAME:-r}
PORT=${PORT:-23000}
base=http://127.0.0.1:$PORT
work=${WORK:-/tmp/ostore-ranges}
size=$((${BIG_GIB:-10} << 30))
"$here/../cluster.sh" stop "$NAME"
"$here/../cluster.sh" start "$NAME" "$PORT" >/dev/null
ranges() { # COUNT: a curl config of COUNT random 1 KiB ranges, "next" between (a header is
  # otherwise kept for every later URL)
  for i in $(seq "$1"); do
    from=$(( ($(od -An -N6 -tu8 /dev/urandom) % (size - 1024)) ))
    [ "$i" = 1 ] || echo next
    printf 'url = "%s/objects/range-big"\nheader = "Range: bytes=%d-%d"\noutput = "/dev/null"\n' \
      "$base" "$from" $((from + 1023))
  done
}
objects() { # FIRST LAST: a curl config of GETs of range-small-FIRST..LAST
  for i in $(seq "$1" "$2"); do
    printf 'url = "%s/objects/range-small-%d"\noutput = "/dev/null"\n' "$base" "$i"
  done
}
rate() { # CONFIG: requests/s over the requests' own times; 2xx only
  curl -s -K "$1" -w '%{http_code} %{time_total}\n' |
    awk '$1 ~ /^2/ { n++; t += $2 } END { printf "%.1f\n", n / t }'
}
ranges 2000 >"$work/warm-ranges.curl"; rate "$work/warm-ranges.curl" >/dev/null
objects 801 1000 >"$work/warm-objects.curl"; rate "$work/warm-objects.curl" >/dev/null
for block in $(seq 0 6); do
  objects $((block * 100 + 1)) $((block * 100 + 100)) >"$work/objects.curl"
  ranges 100 >"$work/ranges.curl"
  echo "objects-first-read $(rate "$work/objects.curl")"
  echo "ranges $(rate "$work/ranges.curl")"
done
