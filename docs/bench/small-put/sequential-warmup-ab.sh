#!/usr/bin/env bash
# Whether the compare's sequential small PUTs are slow because their own path is not compiled
# yet: fresh one-command stores, warmed as compare.sh warms them (30 s of PUTs at 16, then 30 s
# of GETs at 16), then either 20 s of sequential PUTs from wrk on one connection or 20 s idle,
# then 4 rounds of 1,000 sequential PUTs of fresh 4 KiB from curl on one keep-alive connection
# (PUT/s = 1,000 / the sum of curl's time_total, as compare.sh counts them). PAIRS pairs, the
# warmed store first in each.
#   sequential-warmup-ab.sh JAR [PAIRS] [PORT]
# Prints a line a store: "sequential-warmup=1|0" and its four rounds' PUTs a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$1 pairs=${2:-3} port=${3:-9151}
work=$(mktemp -d)
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT

# The compare's own sequential PUTs (compare/loads.sh): fresh files, one curl config, PUT/s; and
# its wait for a server to come up (compare/systems.sh).
. "$here/../compare/loads.sh"
. "$here/../compare/systems.sh"
SMALL_COUNT=1000 LOGS=$work

# seq_puts PREFIX: SMALL_COUNT sequential PUTs of fresh 4 KiB bodies; prints PUT/s.
seq_puts() {
  local ok bad secs
  small_files "$work/files"
  put_config "http://127.0.0.1:$port" "/objects/$1" "$work/files" >"$work/put.curl"
  read -r ok bad secs < <(curl_seq "$work/put.curl")
  rate "$ok" "$secs"
}

one_store() {
  local warm=$1 out r
  rm -rf "$work/data"
  LISTEN_ADDRESS=127.0.0.1:$port STORAGE_ROOT=$work/data java -Xmx2g -jar "$jar" \
    >"$work/log" 2>&1 </dev/null &
  echo $! >"$work/pid"
  wait_for 60 "the store on port $port" curl -sf "http://127.0.0.1:$port/health"
  wrk -t2 -c16 -d30s -s "$here/../compare/put.lua" "http://127.0.0.1:$port" -- /objects/warm- \
    >/dev/null
  seq_puts r0- >/dev/null
  (cd "$work/files" && ls) | sed 's|^|/objects/r0-|' >"$work/paths"
  wrk -t2 -c16 -d30s -s "$here/../compare/get.lua" "http://127.0.0.1:$port" -- "$work/paths" \
    >/dev/null
  if [ "$warm" = 1 ]; then
    wrk -t1 -c1 -d20s -s "$here/../compare/put.lua" "http://127.0.0.1:$port" -- /objects/seq- \
      >/dev/null
  else
    sleep 20
  fi
  out="sequential-warmup=$warm"
  for r in 1 2 3 4; do out="$out $(seq_puts "r$r-")"; done
  echo "$out"
  kill "$(cat "$work/pid")"
  wait "$(cat "$work/pid")" 2>/dev/null || true
}

for _ in $(seq "$pairs"); do
  one_store 1
  one_store 0
done
