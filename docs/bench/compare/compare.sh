#!/usr/bin/env bash
# ostore (one or two builds) and its two peers side by side, one system at a time, in one run:
# the same curl and wrk clients against each, RUNS rounds (the systems' order rotating each round),
# medians, ratios and every round's figure printed as markdown tables (also in $OUT/table.md),
# with the machine.
#
#   docs/bench/compare/compare.sh [SYSTEM...]   SYSTEM: ostore, ostore2, go, s3proxy
#                                               (default: ostore go s3proxy)
#
# Each round starts every system afresh on empty storage under $OUT, on free loopback ports and a
# private RabbitMQ virtual host, warms it up (small requests), measures it (big objects twice: the
# first PUT and GET on a JVM that never moved one, then a second), and stops it. Baselines in the same
# round: one data server straight (ostore: GETs of the small content, whole or one copy, and of the
# big one if stored whole; the Go code: everything) and the disk itself (disk.py). Environment:
#   OSTORE_TREE   checkout whose */target/*.jar to run (default: this one; mvn -o -q package -DskipTests)
#   DATA_SERVERS  data servers per store, ostore's and the Go code's (6: ostore's default 4+2 needs
#                 5 to accept a PUT of 64 KiB or more, 6 for every shard; a build from before
#                 erasure coding runs on 3); OSTORE_ENV: extra VAR=value words for every ostore
#                 server, e.g. OSTORE_ENV='ERASURE_CODE=2+1' with DATA_SERVERS=3
#   OSTORE_LOCAL  1: ostore as the README runs it, one process with its six data servers and no
#                 broker (DATA_SERVERS and DOWN_AFTER_PUT do not apply)
#   DOWN_AFTER_PUT  N > 0: after the measurements, kill N data servers one by one and measure
#                 4 KiB and big GETs with each one more down (system ostore-down1, ...; ostore.sh)
#   OSTORE_TREE2, DATA_SERVERS2, OSTORE_ENV2, OSTORE_LOCAL2, DOWN_AFTER_PUT2  the same for system
#                 ostore2, a second build (or the same build with other settings) in the same rounds
#   GO_API, GO_DATA  the tutorial's chapter-2 apiServer and dataServer binaries, built by you
#   S3PROXY_JAR   S3Proxy's jar-with-dependencies (default: get-s3proxy.sh fetches 4.1.1)
#   BROKER        amqp://guest:guest@127.0.0.1:5672 (virtual hosts bench-* are made and dropped)
#   RUNS (3), SMALL_COUNT (200 sequential requests), WRK_SECONDS (10), WRK_CONNECTIONS (16),
#   WRK_THREADS (2), WARMUP_SECONDS (5), BIG_MIB (1024), DISK_SECONDS (5), JAVA_OPTS (-Xmx2g),
#   OUT (/tmp/ostore-compare-DATE: results.tsv, table.md, logs/). A cluster's seven fresh JVMs
#   compile for about a minute of load on two cores: WARMUP_SECONDS=30 shows more of its steady
#   state (benchmarks.md, section 44), for every system alike
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OSTORE_TREE=${OSTORE_TREE:-$(cd "$HERE/../../.." && pwd)}
DATA_SERVERS=${DATA_SERVERS:-6} OSTORE_ENV=${OSTORE_ENV:-}
BROKER=${BROKER:-amqp://guest:guest@127.0.0.1:5672}
RUNS=${RUNS:-3} SMALL_COUNT=${SMALL_COUNT:-200} WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16} WRK_THREADS=${WRK_THREADS:-2}
WARMUP_SECONDS=${WARMUP_SECONDS:-5} BIG_MIB=${BIG_MIB:-1024} DISK_SECONDS=${DISK_SECONDS:-5}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
OUT=${OUT:-/tmp/ostore-compare-$(date +%Y%m%d-%H%M%S)}
LOGS=$OUT/logs RESULTS=$OUT/results.tsv BIG_FILE=$OUT/big.bin
read -ra SYSTEMS <<<"${*:-ostore go s3proxy}"
source "$HERE/systems.sh"
source "$HERE/loads.sh"
source "$HERE/ostore.sh"

fail() { echo "compare: $*" >&2; exit 2; }
for tool in curl wrk java python3 rabbitmqctl sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
for s in "${SYSTEMS[@]}"; do
  case $s in
  ostore | ostore2) ostore_check "$s" ;;
  go) [ -x "${GO_API:-}" ] && [ -x "${GO_DATA:-}" ] ||
      fail "set GO_API and GO_DATA to the tutorial's chapter-2 binaries"
    # DeclareExchanges.java runs on the RabbitMQ client in OSTORE_TREE's data server jar.
    [ -f "$OSTORE_TREE/ostore-server-data/target/ostore-server-data.jar" ] ||
      fail "go needs ostore-server-data.jar under OSTORE_TREE=$OSTORE_TREE" ;;
  s3proxy) S3PROXY_JAR=${S3PROXY_JAR:-$("$HERE/get-s3proxy.sh")} ;;
  *) fail "unknown system $s (ostore, ostore2, go, s3proxy)" ;;
  esac
done

cleanup() {
  stop_servers
  drop_vhosts
  rm -rf "$OUT/data" "$OUT/disk" "$OUT/files"* "$OUT/warm-files" "$BIG_FILE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$LOGS"
UPTIME_BEFORE=$(uptime)
printf 'run\tsystem\tworkload\tvalue\tunit\tfailed\tload1\n' >"$RESULTS"
head -c $((BIG_MIB << 20)) /dev/urandom >"$BIG_FILE"

run_system() {
  local system=$1 dir=$OUT/data/$1
  rm -rf "$dir"; mkdir -p "$dir"
  echo "compare: round $RUN of $RUNS: $system" >&2
  case $system in
  ostore*) start_ostore "$system" "$dir"
    store_loads "$system" "$STORE_URL"
    ostore_direct "$system"
    ostore_degraded "$system" ;;
  go) start_go "$dir"
    store_loads "$system" "$STORE_URL"
    store_loads go-data "${DATA_URLS[0]}" ;;
  s3proxy) start_s3proxy "$dir"
    store_loads "$system" "$STORE_URL" ;;
  esac
  stop_servers
  drop_vhosts
  rm -rf "$dir"
}

for RUN in $(seq "$RUNS"); do
  for k in "${!SYSTEMS[@]}"; do
    run_system "${SYSTEMS[$(((k + RUN - 1) % ${#SYSTEMS[@]}))]}"
  done
  echo "compare: round $RUN of $RUNS: disk" >&2
  disk_loads
done

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'); $RUNS rounds of ${SYSTEMS[*]}."
  for s in "${SYSTEMS[@]}"; do
    if [[ $s == ostore* ]]; then echo "$(ostore_describe "$s")."; fi
  done
  echo "Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "kernel $(uname -r). uptime before: $UPTIME_BEFORE; after: $(uptime)."
  echo "Disk: $(df -hT "$OUT" | awk 'NR == 2 { print $1, $2, $3 " total,", $5, "free, mounted on", $7 }')."
  echo
  python3 "$HERE/table.py" "$RESULTS"
} | tee "$OUT/table.md"
