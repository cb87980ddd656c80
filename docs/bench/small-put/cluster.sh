#!/usr/bin/env bash
# cluster.sh start NAME PORT JARDIR | stop NAME : 1 api + 6 data servers, vhost ostore-NAME
set -euo pipefail
OUT=/tmp/smallput/run
cmd=$1 name=$2
dir=$OUT/$name
case $cmd in
start)
  port=$3 jars=$4
  mkdir -p "$dir/logs"
  rabbitmqctl -q add_vhost "ostore-$name" 2>/dev/null || true
  rabbitmqctl -q set_permissions -p "ostore-$name" guest '.*' '.*' '.*'
  broker="amqp://guest:guest@127.0.0.1:5672/ostore-$name"
  for i in 1 2 3 4 5 6; do
    LISTEN_ADDRESS=127.0.0.1:$((port + i)) STORAGE_ROOT=$dir/data-$i RABBITMQ_SERVER=$broker \
      nohup java -Xmx512m ${JOPTS_DATA:-} -jar "$jars/ostore-server-data.jar" >"$dir/logs/data-$i.log" 2>&1 &
    echo $! >"$dir/data-$i.pid"
  done
  LISTEN_ADDRESS=127.0.0.1:$port STORAGE_ROOT=$dir/api RABBITMQ_SERVER=$broker \
    nohup java -Xmx1g ${JOPTS_API:-} -jar "$jars/ostore-server-api.jar" >"$dir/logs/api.log" 2>&1 &
  echo $! >"$dir/api.pid"
  for _ in $(seq 90); do
    n=$(curl -s "http://127.0.0.1:$port/servers" 2>/dev/null | grep -o 127.0.0.1 | wc -l || true)
    [ "$n" = 6 ] && { echo "$name up on :$port"; exit 0; }
    sleep 1
  done
  echo "$name did not come up" >&2; exit 1 ;;
stop)
  for pidfile in "$dir"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile"); rm -f "$pidfile"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done ;;
esac
