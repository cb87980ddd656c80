# Sourced by compare.sh: starting and stopping the peers on loopback, one at a time (ostore
# builds: ostore.sh).
# Every process started is in PIDS and every virtual host made is in VHOSTS, for stop_servers
# and for compare.sh's EXIT trap.
PIDS=()
VHOSTS=()

# spawn LOG COMMAND...: runs COMMAND in the background, its output in LOG.
spawn() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
}

# Stops every server started so far: SIGTERM, up to 20 s to exit, then SIGKILL.
stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

drop_vhosts() {
  local v
  for v in "${VHOSTS[@]}"; do rabbitmqctl -q delete_vhost "$v" >/dev/null 2>&1 || true; done
  VHOSTS=()
}

# make_vhost NAME: a private virtual host, so that nothing here meets the broker's other users;
# sets BROKER_URI to it (not printed: the caller must see VHOSTS grow, which a subshell hides).
make_vhost() {
  local vhost=bench-$1-$$
  rabbitmqctl -q add_vhost "$vhost" >/dev/null
  VHOSTS+=("$vhost")
  rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
  BROKER_URI=$BROKER/$vhost
}

# free_ports N: N loopback ports that were free a moment ago.
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# wait_for SECONDS WHAT COMMAND...: retries COMMAND until it succeeds, or fails naming WHAT.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "compare: $what did not come up in ${seconds}s; logs in $LOGS" >&2
  return 1
}

# start_go DIR: the tutorial's chapter-2 api server and DATA_SERVERS data servers; sets STORE_URL
# and DATA_URLS. Its servers use the exchanges apiServers and dataServers, which they do not
# declare, on the virtual host given in the URI.
start_go() {
  local dir=$1 broker ports i
  make_vhost go
  broker=$BROKER_URI
  java -cp "$OSTORE_TREE/ostore-server-data/target/ostore-server-data.jar" \
    "$HERE/DeclareExchanges.java" "$broker" apiServers dataServers
  read -ra ports <<<"$(free_ports $((DATA_SERVERS + 1)))"
  STORE_URL=http://127.0.0.1:${ports[0]}
  # The api server first, so that it hears each data server's first heartbeat.
  spawn "$LOGS/go-api.r$RUN.log" env LISTEN_ADDRESS="127.0.0.1:${ports[0]}" \
    RABBITMQ_SERVER="$broker" "$GO_API"
  wait_for 10 "the Go api server" curl -s -o /dev/null "$STORE_URL/"
  DATA_URLS=()
  for i in $(seq "$DATA_SERVERS"); do
    mkdir -p "$dir/data-$i/objects"
    spawn "$LOGS/go-data-$i.r$RUN.log" env LISTEN_ADDRESS="127.0.0.1:${ports[$i]}" \
      STORAGE_ROOT="$dir/data-$i" RABBITMQ_SERVER="$broker" "$GO_DATA"
    DATA_URLS+=("http://127.0.0.1:${ports[$i]}")
  done
  wait_for 20 "the Go servers" curl -sf -T /dev/null "$STORE_URL/objects/ready-probe"
}

# start_s3proxy DIR: S3Proxy on the filesystem backend, no authentication, with the bucket
# "objects", so that its objects are at STORE_URL/objects/NAME as on the two others.
start_s3proxy() {
  local dir=$1 port
  port=$(free_ports 1)
  mkdir -p "$dir/blobs"
  cat >"$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=none
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/blobs
PROPS
  spawn "$LOGS/s3proxy.r$RUN.log" java $JAVA_OPTS -jar "$S3PROXY_JAR" \
    --properties "$dir/s3proxy.properties"
  STORE_URL=http://127.0.0.1:$port
  DATA_URLS=()
  wait_for 60 "S3Proxy" curl -sf -X PUT "$STORE_URL/objects"
}
