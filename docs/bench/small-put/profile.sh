#!/usr/bin/env bash
# Where a cluster's CPU goes during sequential 4 KiB PUTs, by step: async-profiler (from Maven
# Central) in every JVM of a cluster that docs/bench/cluster.sh started, for one bench run.
#   profile.sh NAME PORT [COUNT]   # stacks in $OUT/NAME/profile-*.collapsed, shares printed
# Environment: OUT (as cluster.sh), TREE (the client's checkout), AP (where the profiler goes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TREE=${TREE:-$(cd "$here/../../.." && pwd)}
OUT=${OUT:-/tmp/ostore-bench}
AP=${AP:-/tmp/async-profiler}
name=$1 port=$2 count=${3:-3000}
lib=$AP/linux-x64/libasyncProfiler.so
if [ ! -e "$lib" ]; then
  mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 \
    -DoutputDirectory="$AP"
  (cd "$AP" && unzip -o -q async-profiler-4.1-linux-x64.jar)
fi
# jcmd takes an argument with '=' in it as one only when quoted.
agent() { jcmd "$1" JVMTI.agent_load "$lib" "\"$2\"" >/dev/null; }
for pidfile in "$OUT/$name"/*.pid; do agent "$(cat "$pidfile")" start,event=cpu,interval=200us; done
java -jar "$TREE/ostore-client/target/ostore-client.jar" --server "http://127.0.0.1:$port" \
  bench --size 4096 --count "$count" --concurrency 1 --op put --warmup 1 --keep | grep ops_per_s
for pidfile in "$OUT/$name"/*.pid; do
  agent "$(cat "$pidfile")" "stop,collapsed,file=$OUT/$name/profile-$(basename "$pidfile" .pid).collapsed"
done
echo "# data-1"
"$here/shares.py" "$OUT/$name/profile-data-1.collapsed" \
  'directory fsync=forceDirectory' \
  'pack force (fdatasync)=ShardPacks\.force' \
  'pack append, index=ShardPacks\.|DiskShardStore\.commitPacked' \
  'file fsync=DiskShardStore\.commit.*FileChannelImpl\.force' \
  'rename=ShardPaths\.(move|rename)' \
  'time stamps=setWritten|setLastModified' \
  'rest of the commit=DiskShard(Store|Upload)\.commit' \
  'temporary file created=DiskShardStore\.create' \
  'body read, checked, written=ShardEndpoints\.receive' \
  'rest of the handler=RoutingHandler' \
  'Jetty: select, parse, hand-offs, response=org/eclipse/jetty'
echo "# api"
"$here/shares.py" "$OUT/$name/profile-api.collapsed" \
  'metadata: commit fsync=SqliteDialect\.commit.*fsync' \
  'metadata: rest of the commit=SqliteDialect\.commit' \
  'metadata: begin, statements=StoredContent\.record' \
  'metadata: references lookup=SqlMetadataStore\.references' \
  'copies sent, answers read=HttpDataServerClient|SentRequest|Transfers' \
  'body read, hashed, encoded=ObjectsEndpoints' \
  'Jetty: select, parse, hand-offs, response=org/eclipse/jetty'
