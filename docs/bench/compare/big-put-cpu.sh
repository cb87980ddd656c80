#!/usr/bin/env bash
# What a 1 GiB PUT costs in CPU on each system, side by side: ostore as the README runs it (one
# process) and the tutorial's Go code (its api server and data servers), each started afresh in
# every round (the order alternating), WARM_PUTS PUTs first, then PUTS measured. Prints a line a
# PUT: round, system, MB/s (curl), the CPU seconds the system's processes spent on it (user +
# system, /proc/<pid>/stat), curl's own, and the MiB of the page cache left dirty after it
# (/proc/meminfo: what the kernel has yet to write); then SHA-256 of the same file by openssl on one
# core, the hash a content-addressed store must compute that the Go code does not.
#
#   GO_API=... GO_DATA=... OSTORE_TREE=<built checkout> docs/bench/compare/big-put-cpu.sh
#
# Environment as compare.sh's where the names are the same (OSTORE_TREE, GO_API, GO_DATA,
# DATA_SERVERS, BROKER, JAVA_OPTS, BIG_MIB, OUT); ROUNDS (3), WARM_PUTS (2), PUTS (3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OSTORE_TREE=${OSTORE_TREE:-$(cd "$HERE/../../.." && pwd)}
OSTORE_LOCAL=1 DATA_SERVERS=${DATA_SERVERS:-6} BROKER=${BROKER:-amqp://guest:guest@127.0.0.1:5672}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g} BIG_MIB=${BIG_MIB:-1024}
ROUNDS=${ROUNDS:-3} WARM_PUTS=${WARM_PUTS:-2} PUTS=${PUTS:-3}
OUT=${OUT:-/tmp/ostore-big-put-cpu-$(date +%Y%m%d-%H%M%S)}
LOGS=$OUT/logs BIG_FILE=$OUT/big.bin
source "$HERE/systems.sh"
source "$HERE/ostore.sh"
source "$HERE/loads.sh"
source "$HERE/../cpu.sh"

fail() { echo "big-put-cpu: $*" >&2; exit 2; }
ostore_check ostore
[ -x "${GO_API:-}" ] && [ -x "${GO_DATA:-}" ] ||
  fail "set GO_API and GO_DATA to the tutorial's chapter-2 binaries"
cleanup() {
  stop_servers
  drop_vhosts
  rm -rf "$OUT/data" "$BIG_FILE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$LOGS"
head -c $((BIG_MIB << 20)) /dev/urandom >"$BIG_FILE"
tick=$(getconf CLK_TCK)

# put_once NAME: one PUT of freshened BIG_FILE; prints MB/s (as compare.sh counts it: the bytes
# over curl's time_total), the servers' and curl's CPU seconds, and the dirty MiB after it. A PUT
# not answered 2xx, or not sent whole, fails the script.
put_once() {
  local c0 c1 code secs bytes dirty
  freshen "$BIG_FILE"
  c0=$(cpu_ticks "${PIDS[@]}")
  read -r code secs bytes < <(/usr/bin/time -o "$OUT/curl-times" -f '%U %S' curl -s -o /dev/null \
    -w '%{http_code} %{time_total} %{size_upload}\n' -T "$BIG_FILE" "$STORE_URL/objects/$1")
  c1=$(cpu_ticks "${PIDS[@]}")
  [[ $code == 2* && $bytes == $((BIG_MIB << 20)) ]] ||
    fail "$system's PUT of $1 answered $code after $bytes bytes; logs in $LOGS"
  dirty=$(awk '/^Dirty:/ {print int($2 / 1024)}' /proc/meminfo)
  awk -v b="$bytes" -v s="$secs" -v d=$((c1 - c0)) -v t="$tick" -v m="$dirty" \
    '{printf "%d\t%.2f\t%.2f\t%d\n", b / s / 1e6, d / t, $1 + $2, m}' "$OUT/curl-times"
}

printf 'round\tsystem\tput\tMB/s\tserver_cpu_s\tcurl_cpu_s\tdirty_mib\n'
for RUN in $(seq "$ROUNDS"); do
  order="ostore go"
  [ $((RUN % 2)) = 0 ] && order="go ostore"
  for system in $order; do
    dir=$OUT/data/$system
    mkdir -p "$dir"
    case $system in
    ostore) start_ostore ostore "$dir" ;;
    go) start_go "$dir" ;;
    esac
    for i in $(seq "$WARM_PUTS"); do put_once "warm-$i" >/dev/null; done
    for i in $(seq "$PUTS"); do
      line=$(put_once "big-$i") # an assignment, so that a failed PUT stops the script
      printf '%s\t%s\t%s\t%s\n' "$RUN" "$system" "$i" "$line"
    done
    stop_servers
    drop_vhosts
    rm -rf "$dir"
  done
done
openssl dgst -sha256 "$BIG_FILE" >/dev/null # read once, so that the timed run hashes the cache
sha=$( { /usr/bin/time -f '%e' openssl dgst -sha256 "$BIG_FILE" >/dev/null; } 2>&1)
echo "SHA-256 of the file by openssl on one core: $sha s, $(awk -v s="$sha" \
  -v b=$((BIG_MIB << 20)) 'BEGIN {printf "%d", b / s / 1e6}') MB/s"
