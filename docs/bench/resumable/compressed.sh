#!/usr/bin/env bash
# Issue 11: resumable uploads stored compressed, against plain PUTs of the same content, side by
# side on one standalone api server (six data servers in its process, compression on, SQLite).
# For each kind of content (../compression/data.py: JSON lines, logs, the machine's text, random
# bytes) and each of RUNS rounds, the two ways in alternating order, each on fresh content (a new
# 64-byte prefix): "put" is one PUT /objects/<name>; "upload" is POST /objects/<name> with its
# Size, then PIECES PUT /temp/<token> of about equal length whose edges fall mid-block. Prints
# one row per round, kind and way: seconds from the first request to the last answer, and the
# bytes the content's shard files took on disk. summary: the median ratio upload ÷ put per kind.
#
#   docs/bench/resumable/compressed.sh
#
# Environment: OSTORE_TREE (this checkout, built by mvn -o -q package -DskipTests), SIZE_MIB
# (64), RUNS (5), PIECES (4), JAVA_OPTS (-Xmx1g), OUT (/tmp/ostore-resumable-compressed-DATE).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OSTORE_TREE=${OSTORE_TREE:-$(cd "$HERE/../../.." && pwd)}
SIZE_MIB=${SIZE_MIB:-64} RUNS=${RUNS:-5} PIECES=${PIECES:-4} JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
OUT=${OUT:-/tmp/ostore-resumable-compressed-$(date +%Y%m%d-%H%M%S)}
JAR=$OSTORE_TREE/ostore-server-api/target/ostore-server-api.jar
[ -f "$JAR" ] || { echo "compressed.sh: build $JAR first" >&2; exit 2; }
mkdir -p "$OUT"
python3 "$HERE/../compression/data.py" "$OUT/data" "$SIZE_MIB"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
root=$OUT/store
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --listen-address 127.0.0.1:$port --storage-root "$root" \
  --compression true >"$OUT/api.log" 2>&1 &
pid=$!
trap 'kill $pid; wait $pid 2>/dev/null || true' EXIT
api=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf "$api/health" >/dev/null && break; sleep 0.2; done

now() { date +%s.%N; }
disk() { find "$root" -path '*/shards/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
put() { curl -sf -o /dev/null -T "$1" "$api/objects/$2"; }
upload() {
  local file=$1 size at off=0 piece
  size=$(stat -c %s "$file")
  at=$(curl -sf -o /dev/null -D - -X POST -H "Size: $size" "$api/objects/$2" | tr -d '\r' \
    | awk -F': ' 'tolower($1) == "location" {print $2}')
  for i in $(seq "$PIECES"); do
    # Edges 12,345 bytes past a quarter: never on a block's or a stripe's.
    local end=$((i == PIECES ? size : size * i / PIECES + 12345))
    piece=$((end - off))
    dd if="$file" iflag=skip_bytes,count_bytes skip="$off" count="$piece" bs=1M status=none \
      | curl -sf -o /dev/null \
      -H "Range: bytes=$off-" -H "Content-Length: $piece" -H "Transfer-Encoding:" -T - \
      "$api$at"
    off=$end
  done
}

RESULTS=$OUT/results.tsv
printf 'round\tkind\tway\tsize\tseconds\tdisk\tload\n' >"$RESULTS"
for r in $(seq "$RUNS"); do
  for kind in json logs text random; do
    if ((r % 2)); then ways=(put upload); else ways=(upload put); fi
    for way in "${ways[@]}"; do
      file=$OUT/data/$kind.bin
      head -c 64 /dev/urandom | dd of="$file" conv=notrunc status=none
      load=$(cut -d' ' -f1 /proc/loadavg)
      before=$(disk)
      t0=$(now); $way "$file" "$kind-$way-$r"; t1=$(now)
      printf '%s\t%s\t%s\t%s\t%.3f\t%s\t%s\n' "$r" "$kind" "$way" "$(stat -c %s "$file")" \
        "$(echo "$t1 - $t0" | bc)" \
        $(($(disk) - before)) "$load" >>"$RESULTS"
    done
  done
done
cat "$RESULTS"
python3 - "$RESULTS" <<'EOF' | tee "$OUT/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
print('kind\tdisk/size put\tdisk/size upload\tdisk upload/put\tMB/s put\tMB/s upload'
      '\tthroughput upload/put (median of rounds; rounds)')
for kind in ['json', 'logs', 'text', 'random']:
    by = {(r['round'], r['way']): r for r in rows if r['kind'] == kind}
    rounds = sorted({k[0] for k in by}, key=int)
    disk = [int(by[r, 'upload']['disk']) / int(by[r, 'put']['disk']) for r in rounds]
    speed = [float(by[r, 'put']['seconds']) / float(by[r, 'upload']['seconds']) for r in rounds]
    def med(way, f):
        return statistics.median(f(by[r, way]) for r in rounds)
    share = lambda row: int(row['disk']) / int(row['size'])
    mbs = lambda row: int(row['size']) / float(row['seconds']) / 1e6
    print(f"{kind}\t{med('put', share):.3f}\t{med('upload', share):.3f}\t"
          f"{statistics.median(disk):.3f}\t{med('put', mbs):.0f}\t{med('upload', mbs):.0f}\t"
          f"{statistics.median(speed):.2f} "
          f"({' '.join(f'{x:.2f}' for x in speed)})")
EOF
