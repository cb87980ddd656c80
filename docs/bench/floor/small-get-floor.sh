#!/usr/bin/env bash
# A sequential small GET's floor on this machine, beside running stores: the least an HTTP server
# does (PlainFloor.java) and the least Jetty does (JettyFloor.java, on the api server's Jetty),
# through compare.sh's client for a sequential GET: curl, 1,000 GETs one after another on one
# keep-alive connection, timed by curl itself. ROUNDS rounds, the order rotating each round.
# Before the first, each store gets 200 objects of 4,096 random bytes (/objects/floor-1..200, PUT
# when missing), and every system 10 s of GETs at 8 connections (wrk).
#   small-get-floor.sh ROUNDS [NAME=BASE_URL...]      e.g. ostore=http://127.0.0.1:8080
#   OSTORE_JAR  the api server's jar, whose Jetty JettyFloor runs on (default: this checkout's)
# Prints one line per round and system (round, system, GET/s), then each system's median and the
# median of its rounds' ratios to each floor.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/floors.sh"
source "$here/../small-objects.sh"
rounds=$1; shift
floor_setup small-get-floor
read -r plain jetty <<<"$(free_ports 2)"
spawn "$work/plain.log" java "$here/PlainFloor.java" "$plain"
spawn "$work/jetty.log" java -cp "$jar" "$here/JettyFloor.java" "$jetty"
wait_for 30 "PlainFloor" curl -sf -o /dev/null "http://127.0.0.1:$plain/"
wait_for 30 "JettyFloor" curl -sf -o /dev/null "http://127.0.0.1:$jetty/"
systems=("floor-plain=http://127.0.0.1:$plain" "floor-jetty=http://127.0.0.1:$jetty" "$@")
small_paths floor- >"$work/paths"
for s in "${systems[@]}"; do
  name=${s%%=*} base=${s#*=}
  # The floor servers answer any path.
  [[ $name == floor-* ]] || small_objects "$base" floor- 4096 "$work"
  small_gets "$base" "$work/paths" "$work/$name.curl"
done

# get_round ROUND SYSTEM: SYSTEM's 1,000 GETs; prints "ROUND NAME GET/s".
get_round() {
  local name=${2%%=*}
  curl -s -K "$work/$name.curl" -w '%{http_code} %{time_total}\n' |
    awk -v r="$1" -v n="$name" '$1 == 200 { ok++; t += $2 }
      END { printf "%d\t%s\t%.0f\n", r, n, ok / t }'
}

floor_rounds "$rounds" get_round "${systems[@]}"
floor_table GET/s floor-plain floor-jetty
