#!/usr/bin/env bash
# Many big GETs at once through a running store (cluster.sh's, say): COUNT objects of 64 MiB of
# distinct content PUT one after another to the api server on PORT, then GET all at once, each
# curl given 120 s ("hung" when it had no answer by then). Prints the PUTs' and GETs' statuses
# counted and the seconds the GETs took.
#   cluster-gets-at-once.sh PORT COUNT
set -uo pipefail
port=$1 count=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c $((64 << 20)) /dev/urandom >"$dir/body"
for i in $(seq "$count"); do
  head -c 64 /dev/urandom | dd of="$dir/body" conv=notrunc status=none
  curl -s -o /dev/null -w '%{http_code}\n' -T "$dir/body" "localhost:$port/objects/cl$i"
done | sort | uniq -c | tr -s ' \n' ' '
echo "(puts)"
start=$(date +%s.%N)
for i in $(seq "$count"); do
  (timeout 120 curl -s -o /dev/null -w '%{http_code}\n' "localhost:$port/objects/cl$i" >"$dir/g$i"
   [ -s "$dir/g$i" ] || echo hung >"$dir/g$i") &
done
wait
echo "gets: $(sort "$dir"/g* | uniq -c | tr -s ' \n' ' ')in $(echo "$(date +%s.%N) - $start" | bc) s"
