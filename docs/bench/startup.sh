#!/usr/bin/env bash
# How long a one-process store takes to start from a cold page cache (needs root: it drops the
# caches). Starts JAR on STORE (/tmp/ostore-start) at 127.0.0.1:PORT (24000), prints the ms until
# it logs "api server started" and each data server's "read N packs" line, waits STAY seconds
# (1; longer lets a new build write its pack indexes), then stops it. Its log goes to LOG.
#   startup.sh JAR LOG
set -euo pipefail
jar=$1 log=$2
store=${STORE:-/tmp/ostore-start}
sync
echo 3 >/proc/sys/vm/drop_caches
start=$(date +%s%N)
LISTEN_ADDRESS=127.0.0.1:${PORT:-24000} STORAGE_ROOT=$store java -Xmx1g -jar "$jar" >"$log" 2>&1 &
pid=$!
until grep -q "api server started" "$log"; do
  sleep 0.05
  kill -0 "$pid"
done
echo "started in $((($(date +%s%N) - start) / 1000000)) ms"
grep -o "read [0-9]* packs.* in [0-9]* ms" "$log" | sed "s|$store/||" || true
sleep "${STAY:-1}"
kill "$pid"
wait "$pid" || true
