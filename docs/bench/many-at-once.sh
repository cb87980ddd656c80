#!/usr/bin/env bash
# Many big transfers at once against a small heap: a fresh one-command store of JAR with HEAP
# (-Xmx256m) on PORT, files under DIR (deleted at the end); COUNT (64) PUTs of one random 64 MiB
# file at once under distinct names, then COUNT GETs of them at once; each curl given 120 s
# ("hung" when it had no answer by then). Prints the statuses counted, the seconds each wave took,
# the log's OutOfMemoryError lines, whether the server still answers /health, and MAX_TRANSFERS.
#   many-at-once.sh JAR PORT DIR
set -uo pipefail
jar=$1 port=$2 dir=$3
HEAP=${HEAP:--Xmx256m} COUNT=${COUNT:-64}
body=$dir/body
rm -rf "$dir"; mkdir -p "$dir"
head -c $((64 << 20)) /dev/urandom >"$body"
(LISTEN_ADDRESS=127.0.0.1:$port STORAGE_ROOT=$dir/data exec java "$HEAP" -jar "$jar" \
  >"$dir/log" 2>&1 & echo $! >"$dir/pid")
for _ in $(seq 100); do curl -sf -o /dev/null "localhost:$port/health" && break; sleep 0.2; done

# wave NAME CURL_ARGS...: COUNT curls at once, the Nth with CURL_ARGS and N appended.
wave() {
  local name=$1 start end i
  shift
  start=$(date +%s.%N)
  for i in $(seq "$COUNT"); do
    (timeout 120 curl -s -o /dev/null -w '%{http_code}\n' "$@$i" >"$dir/$name$i"
     [ -s "$dir/$name$i" ] || echo hung >"$dir/$name$i") &
  done
  wait
  end=$(date +%s.%N)
  echo "$name: $(sort "$dir/$name"* | uniq -c | tr -s ' \n' ' ')in $(echo "$end - $start" | bc) s"
}
wave put -T "$body" "localhost:$port/objects/many-"
wave get "localhost:$port/objects/many-"
echo "OutOfMemoryError lines in the log: $(grep -c OutOfMemoryError "$dir/log")"
echo "health after: $(curl -s -m 5 "localhost:$port/health" || echo 'no answer')"
grep -o 'MAX_TRANSFERS=[^T]*' "$dir/log" | head -1
kill "$(cat "$dir/pid")" 2>/dev/null; sleep 1; kill -9 "$(cat "$dir/pid")" 2>/dev/null
rm -rf "$dir"
