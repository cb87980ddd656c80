#!/usr/bin/env bash
# Starts a second api server for a cluster that docs/bench/cluster.sh started as NAME, keeping no
# small content in memory (SMALL_CONTENT_CACHE=0) and sharing the first one's broker vhost and
# SQLite metadata: every GET of small content through it reads a data server.
#   cold.sh start NAME PORT | cold.sh stop NAME
# Environment: TREE, OUT (/tmp/ostore-bench), JAVA_OPTS (-Xmx2g), as cluster.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TREE=${TREE:-$(cd "$here/../../.." && pwd)}
OUT=${OUT:-/tmp/ostore-bench}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
cmd=$1 name=$2
dir=$OUT/$name
case $cmd in
start)
  port=$3
  LISTEN_ADDRESS=127.0.0.1:$port STORAGE_ROOT=$dir/cold-api SMALL_CONTENT_CACHE=0 \
    METADATA_URL=jdbc:sqlite:$dir/api/metadata.db \
    RABBITMQ_SERVER=amqp://guest:guest@127.0.0.1:5672/ostore-$name \
    nohup java $JAVA_OPTS -jar "$TREE/ostore-server-api/target/ostore-server-api.jar" \
    >"$dir/logs/cold-api.log" 2>&1 &
  echo $! >"$dir/cold-api.pid"
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { echo "cold api up on :$port"; exit 0; }
    sleep 1
  done
  echo "the cold api server did not come up; see $dir/logs/cold-api.log" >&2; exit 1 ;;
stop)
  pid=$(cat "$dir/cold-api.pid"); rm -f "$dir/cold-api.pid"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done ;;
*) echo "usage: $0 start NAME PORT | stop NAME" >&2; exit 2 ;;
esac
