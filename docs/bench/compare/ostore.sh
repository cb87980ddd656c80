# Sourced by compare.sh: ostore builds as systems. `ostore` runs OSTORE_TREE with DATA_SERVERS,
# OSTORE_ENV, OSTORE_LOCAL and DOWN_AFTER_PUT; `ostore2` the same from the variables ending in 2,
# so that two builds (or two settings of one) meet in the same rounds.

# ostore_setting SYSTEM NAME DEFAULT: NAME for `ostore`, NAME2 for `ostore2`, else DEFAULT.
ostore_setting() {
  local var=$2${1#ostore}
  echo "${!var:-$3}"
}

# ostore_check SYSTEM: fails unless the system's jars are built.
ostore_check() {
  local tree m
  tree=$(ostore_setting "$1" OSTORE_TREE "")
  [ -n "$tree" ] || fail "$1 needs OSTORE_TREE${1#ostore}"
  for m in api data; do
    [ -f "$tree/ostore-server-$m/target/ostore-server-$m.jar" ] ||
      fail "no ostore-server-$m.jar under $tree: mvn -o -q package -DskipTests"
  done
}

# ostore_describe SYSTEM: one line naming the build and its settings, for the table's header.
ostore_describe() {
  local tree count
  tree=$(ostore_setting "$1" OSTORE_TREE "")
  count=$(ostore_setting "$1" DATA_SERVERS "$DATA_SERVERS")
  [ "$(ostore_setting "$1" OSTORE_LOCAL 0)" = 1 ] &&
    count="6 (the README's one-command store: one process, no broker)"
  echo "$1 = $(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo '?') ($tree) with" \
    "$count data servers$(ostore_setting "$1" OSTORE_ENV "" |
      sed 's/^./ and &/')$(ostore_setting "$1" DOWN_AFTER_PUT 0 | sed '/^0$/d; s/.*/, up to & stopped after the PUTs/')"
}

# start_ostore SYSTEM DIR: 1 api + N data servers over RabbitMQ, SQLite metadata; sets STORE_URL
# (the api server), DATA_URLS and DATA_PIDS (the data servers, in the same order). With
# OSTORE_LOCAL=1, the api server alone, as the README runs it: its six data servers in its own
# process on the in-process bus (DATA_PIDS empty: DOWN_AFTER_PUT cannot stop them).
start_ostore() {
  local system=$1 dir=$2 tree count env ports i
  tree=$(ostore_setting "$system" OSTORE_TREE "")
  count=$(ostore_setting "$system" DATA_SERVERS "$DATA_SERVERS")
  env=$(ostore_setting "$system" OSTORE_ENV "")
  if [ "$(ostore_setting "$system" OSTORE_LOCAL 0)" = 1 ]; then
    read -ra ports <<<"$(free_ports 1)"
    DATA_URLS=() DATA_PIDS=()
    STORE_URL=http://127.0.0.1:${ports[0]}
    # shellcheck disable=SC2086
    spawn "$LOGS/$system-api.r$RUN.log" env $env LISTEN_ADDRESS="127.0.0.1:${ports[0]}" \
      STORAGE_ROOT="$dir/local" java $JAVA_OPTS -jar "$tree/ostore-server-api/target/ostore-server-api.jar"
    wait_for 60 "$system in one process" live_data_servers_are 6
    return
  fi
  make_vhost "$system"
  read -ra ports <<<"$(free_ports $((count + 1)))"
  DATA_URLS=() DATA_PIDS=()
  for i in $(seq "$count"); do
    # shellcheck disable=SC2086 # OSTORE_ENV is a list of VAR=value words
    spawn "$LOGS/$system-data-$i.r$RUN.log" env $env LISTEN_ADDRESS="127.0.0.1:${ports[$i]}" \
      STORAGE_ROOT="$dir/data-$i" RABBITMQ_SERVER="$BROKER_URI" \
      java $JAVA_OPTS -jar "$tree/ostore-server-data/target/ostore-server-data.jar"
    DATA_URLS+=("http://127.0.0.1:${ports[$i]}") DATA_PIDS+=("${PIDS[-1]}")
  done
  STORE_URL=http://127.0.0.1:${ports[0]}
  # shellcheck disable=SC2086
  spawn "$LOGS/$system-api.r$RUN.log" env $env LISTEN_ADDRESS="127.0.0.1:${ports[0]}" \
    STORAGE_ROOT="$dir/api" RABBITMQ_SERVER="$BROKER_URI" \
    java $JAVA_OPTS -jar "$tree/ostore-server-api/target/ostore-server-api.jar"
  wait_for 60 "$system with $count data servers" live_data_servers_are "$count"
}

live_data_servers_are() {
  [ "$(curl -sf "$STORE_URL/servers" | grep -o '127.0.0.1:' | wc -l)" = "$1" ]
}

# ostore_direct SYSTEM: GETs straight from the data servers, of the content the round stored:
# sequential over all of it, wrk against the data server holding the most, the big object. Small
# content is read from one holder: whole (`/objects/<hash>`, before erasure coding) or a copy
# (`/shards/<hash>.<i>`, each shard of a 1+m layout is the whole content). The big object only when
# stored whole: no data server can answer erasure-coded content alone.
ostore_direct() {
  local system=$1 where hashes busiest big
  sed "s|^/objects/\(.*\)|url = \"$STORE_URL/locate/\1\"|" "$OUT/$system.paths" >"$OUT/locate.curl"
  where=$(curl -s -K "$OUT/locate.curl" -w '\n' | direct_paths)
  hashes=$(cd "$OUT/files" && sha256sum -- * | cut -d' ' -f1)
  # direct.pairs: ADDRESS PATH, PATH with the content's hash in place of %s
  paste -d' ' <(echo "$where") <(echo "$hashes") |
    awk '{ p = $2; sub(/%s/, $3, p); print $1, p }' >"$OUT/direct.pairs"
  # A store that keeps small content off its data servers has none to read straight.
  if ! grep -qv '^- ' "$OUT/direct.pairs"; then
    echo "compare: $system: no data server holds the small content; no direct GETs" >&2
    return 0
  fi
  awk '{ print "http://" $1 $2 }' "$OUT/direct.pairs" >"$OUT/direct.urls"
  seq_get "$system-data" "$OUT/direct.urls"
  busiest=$(cut -d' ' -f1 "$OUT/direct.pairs" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
  awk -v a="$busiest" '$1 == a { print $2 }' "$OUT/direct.pairs" >"$OUT/direct.paths"
  run_wrk "$system-data" get4k-c16 "$WRK_SECONDS" "http://$busiest" get.lua "$OUT/direct.paths"
  big=$(curl -s "$STORE_URL/locate${BIG_PATH#/objects}" | direct_paths)
  if [[ $big == *" /objects/"* ]]; then
    big_get "$system-data" "http://${big%% *}/objects/$(sha256sum "$BIG_FILE" | cut -d' ' -f1)"
  else
    echo "compare: $system stores the big object in shards; no direct big GET" >&2
  fi
}

# direct_paths: for each locate answer on stdin, one line "ADDRESS PATH" naming where one data
# server serves that content whole, %s standing for its hash.
direct_paths() {
  python3 -c '
import json, sys
for line in sys.stdin:
    try:
        where = json.loads(line)
    except ValueError:  # an error message: that GET then fails and counts as failed
        where = "-"
    if isinstance(where, str):
        print(where, "/objects/%s")
    elif not where:  # {}: kept in the metadata store, on no data server
        print("-", "/objects/%s")
    else:  # copies: each shard is the whole content; the lowest index held
        i = min(where, key=int)
        print(where[i], "/shards/%s." + i)'
}

# ostore_degraded SYSTEM: with DOWN_AFTER_PUT=N, first stores N more sets of SMALL_COUNT 4 KiB
# objects (not recorded), then N times: kills (SIGKILL) the data server holding the big object's
# next data shard (0, then 1: shards that must be rebuilt, not parity), waits until the api
# server no longer counts it, and GETs one unread set in sequence and the big object, as system
# SYSTEM-downI. Unread sets, because a GET of content already read may be answered from the api
# server's memory.
ostore_degraded() {
  local system=$1 down count i holder k
  down=$(ostore_setting "$system" DOWN_AFTER_PUT 0)
  count=$(ostore_setting "$system" DATA_SERVERS "$DATA_SERVERS")
  [ "$down" -gt 0 ] || return 0
  WARM=1
  for i in $(seq "$down"); do
    small_files "$OUT/files-down$i"
    seq_put "$system" "$STORE_URL" "/objects/r$RUN-$RANDOM-down$i-" "$OUT/files-down$i" "$OUT/down$i.paths"
  done
  WARM=0
  for i in $(seq "$down"); do
    holder=$(curl -sf "$STORE_URL/locate${BIG_PATH#/objects}" | python3 -c '
import json, sys
where = json.load(sys.stdin)
print(where if isinstance(where, str) else where[sys.argv[1]])' "$((i - 1))")
    for k in "${!DATA_URLS[@]}"; do
      if [ "${DATA_URLS[$k]}" = "http://$holder" ]; then
        kill -KILL "${DATA_PIDS[$k]}"
        wait "${DATA_PIDS[$k]}" 2>/dev/null || true
      fi
    done
    wait_for 60 "$system without $i data servers" live_data_servers_are "$((count - i))"
    sed "s|^|$STORE_URL|" "$OUT/down$i.paths" >"$OUT/down$i.urls"
    seq_get "$system-down$i" "$OUT/down$i.urls"
    big_get "$system-down$i" "$STORE_URL$BIG_PATH"
  done
}
