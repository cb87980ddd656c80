#!/usr/bin/env bash
# A sequential small PUT's floor on this machine, beside running stores: Jetty servers that read
# each body and force PAGES frames of an SQLite log a PUT (JettyPutFloor.java, on the api
# server's Jetty; FLOOR_PAGES of them), through compare.sh's client for a sequential PUT: curl,
# 1,000 PUTs of 4,096 fresh random bytes one after another on one keep-alive connection, timed by
# curl itself. ROUNDS rounds, the order rotating each round; before the first, every system gets
# one round that is not counted. The logs are written in this machine's temporary directory.
#   small-put-floor.sh ROUNDS [NAME=BASE_URL...]      e.g. ostore=http://127.0.0.1:8080
#   OSTORE_JAR   the api server's jar, whose Jetty JettyPutFloor runs on (default: this checkout's)
#   FLOOR_PAGES  the frames each floor forces a PUT (default "0 3 9 14")
# Prints one line per round and system (round, system, PUT/s), then each system's median and the
# median of its rounds' ratios to each floor.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/floors.sh"
source "$here/../compare/loads.sh"
rounds=$1; shift
floor_setup small-put-floor
SMALL_COUNT=1000
floors=()
for pages in ${FLOOR_PAGES:-0 3 9 14}; do
  port=$(free_ports 1)
  spawn "$work/floor-$pages.log" java -cp "$jar" "$here/JettyPutFloor.java" "$port" "$pages" \
    "$work/floor-$pages.wal"
  floors+=("floor-$pages=http://127.0.0.1:$port")
done
for f in "${floors[@]}"; do
  wait_for 60 "${f%%=*}" curl -sf -o /dev/null -T /dev/null "${f#*=}/"
done
systems=("${floors[@]}" "$@")

# put_round ROUND SYSTEM: 1,000 PUTs of new content to SYSTEM's /objects/floor-ROUND-*; prints
# "ROUND NAME PUT/s", and exits naming the system when one failed.
put_round() {
  local name=${2%%=*} base=${2#*=} ok bad secs
  small_files "$work/files"
  put_config "$base" "/objects/floor-$1-$RANDOM-" "$work/files" >"$work/put.curl"
  read -r ok bad secs < <(curl_seq "$work/put.curl")
  [ "$bad" = 0 ] || { echo "small-put-floor: $bad PUTs to $name failed" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$1" "$name" "$(rate "$ok" "$secs")"
}

for s in "${systems[@]}"; do put_round warm "$s" >/dev/null; done
floor_rounds "$rounds" put_round "${systems[@]}"
floor_table PUT/s "${floors[@]%%=*}"
