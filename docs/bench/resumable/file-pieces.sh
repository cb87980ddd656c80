#!/usr/bin/env bash
# A resumable file upload through the CLI, one build of ostore-client.jar per piece size, side by
# side on one one-command store: `put` of a SIZE_MIB file, fresh content each time (its first 64
# bytes rewritten), the builds in rotating order for ROUNDS rounds. Prints per round and build
# the wall seconds of the whole `java -jar ... put` (JVM start and the SHA-256 pass included,
# the same for every build). Builds: JARS="name=path ...", each built with its own
# OstoreClient.DEFAULT_FILE_PIECE_SIZE (section 70 of benchmarks.md).
#
#   JARS="whole=/tmp/piece-whole.jar p256=/tmp/piece-p256.jar" docs/bench/resumable/file-pieces.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OSTORE_TREE=${OSTORE_TREE:-$(cd "$HERE/../../.." && pwd)}
ROUNDS=${ROUNDS:-5} SIZE_MIB=${SIZE_MIB:-1024} PORT=${PORT:-24611}
OUT=${OUT:-/tmp/ostore-file-pieces-$(date +%Y%m%d-%H%M%S)}
read -r -a jars <<<"${JARS:?name=path of each build}"
mkdir -p "$OUT"
head -c $((SIZE_MIB << 20)) /dev/urandom >"$OUT/file"
java -jar "$OSTORE_TREE/ostore-server-api/target/ostore-server-api.jar" \
  --listen-address 127.0.0.1:$PORT --storage-root "$OUT/store" >"$OUT/api.log" 2>&1 &
pid=$!
trap 'kill $pid; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.2; done
n=0
for round in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $((${#jars[@]} - 1))); do
    build=${jars[$(((k + round) % ${#jars[@]}))]}
    n=$((n + 1))
    printf '%064d' $n | dd of="$OUT/file" conv=notrunc status=none
    t0=$(date +%s.%N)
    java -jar "${build#*=}" --server http://127.0.0.1:$PORT put "obj-$n" "$OUT/file" >/dev/null
    t1=$(date +%s.%N)
    echo "$round ${build%%=*} $(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')"
  done
done
