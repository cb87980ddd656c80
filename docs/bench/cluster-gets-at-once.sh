#!/usr/bin/env bash
# Many big GETs at once through a running store (cluster.sh's, say): COUNT objects of 64 MiB of
# distinct content PUT one after another to the api server on PORT, then GET all at once, each
# curl given 120 s ("hung" when it had no answer by then). Prints the PUTs' and GETs' statuses
# counted and the seconds the GETs took.
#   cluster-gets-at-once.sh PORT COUNT
set -uo pipefail
port=$1 count=$2 d=/tmp/clgets-$port
rm -rf $d; mkdir -p $d
head -c $((64<<20)) /dev/urandom > $d/body
for i in $(seq $count); do head -c 64 /dev/urandom | dd of=$d/body conv=notrunc status=none
  curl -s -o /dev/null -w '%{http_code}\n' -T $d/body localhost:$port/objects/cl$i; done | sort | uniq -c | tr -s ' \n' ' '; echo "(puts)"
start=$(date +%s.%N)
for i in $(seq $count); do (timeout 120 curl -s -o /dev/null -w '%{http_code}\n' localhost:$port/objects/cl$i > $d/g$i; [ -s $d/g$i ] || echo hung > $d/g$i) & done; wait
echo "gets: $(sort $d/g* | uniq -c | tr -s ' \n' ' ')in $(echo "$(date +%s.%N) - $start" | bc) s"
rm -rf $d
