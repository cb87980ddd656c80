#!/usr/bin/env bash
# Starts or stops a benchmark cluster: one api server and DATA_SERVERS data servers (3) over
# RabbitMQ, on a private vhost, built from the checkout at $TREE (default: this repository).
#   cluster.sh start NAME PORT   # api on PORT, data servers on PORT+1..PORT+N, files under $OUT/NAME
#   cluster.sh stop NAME
# Environment: TREE, DATA_SERVERS (3; the default 4+2 needs 5 for content of 64 KiB or more),
# OUT (default /tmp/ostore-bench), JAVA_OPTS (default -Xmx2g), API_JAVA_OPTS (the api server's,
# default JAVA_OPTS), METADATA_URL (passed to the api server when set).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TREE=${TREE:-$(cd "$here/../.." && pwd)}
OUT=${OUT:-/tmp/ostore-bench}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
API_JAVA_OPTS=${API_JAVA_OPTS:-$JAVA_OPTS}
DATA_SERVERS=${DATA_SERVERS:-3}
cmd=$1 name=$2
dir=$OUT/$name
case $cmd in
start)
  port=$3
  mkdir -p "$dir/logs"
  rabbitmqctl -q add_vhost "ostore-$name" 2>/dev/null || true
  rabbitmqctl -q set_permissions -p "ostore-$name" guest '.*' '.*' '.*'
  broker="amqp://guest:guest@127.0.0.1:5672/ostore-$name"
  for i in $(seq "$DATA_SERVERS"); do
    LISTEN_ADDRESS=127.0.0.1:$((port + i)) STORAGE_ROOT=$dir/data-$i RABBITMQ_SERVER=$broker \
      nohup java $JAVA_OPTS -jar "$TREE/ostore-server-data/target/ostore-server-data.jar" \
      >"$dir/logs/data-$i.log" 2>&1 &
    echo $! >"$dir/data-$i.pid"
  done
  LISTEN_ADDRESS=127.0.0.1:$port STORAGE_ROOT=$dir/api RABBITMQ_SERVER=$broker \
    nohup java $API_JAVA_OPTS -jar "$TREE/ostore-server-api/target/ostore-server-api.jar" \
    >"$dir/logs/api.log" 2>&1 &
  echo $! >"$dir/api.pid"
  # Ready when the api server lists all its data servers.
  for _ in $(seq 60); do
    n=$(curl -s "http://127.0.0.1:$port/servers" 2>/dev/null | grep -o 127.0.0.1 | wc -l || true)
    [ "$n" = "$DATA_SERVERS" ] && { echo "$name up on :$port"; exit 0; }
    sleep 1
  done
  echo "$name did not come up; see $dir/logs" >&2; exit 1 ;;
stop)
  # Waits for each server to exit, so that a start right after finds its ports free.
  for pidfile in "$dir"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile"); rm -f "$pidfile"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rabbitmqctl -q delete_vhost "ostore-$name" 2>/dev/null || true ;;
*) echo "usage: $0 start NAME PORT | stop NAME" >&2; exit 2 ;;
esac
