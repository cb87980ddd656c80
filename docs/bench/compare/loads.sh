# Sourced by compare.sh: the workloads. Each appends one line to $RESULTS (unless WARM=1):
# run, system, workload, value, unit, failed requests, 1-minute load average before it ran.
WARM=0

record() {
  [ "$WARM" = 1 ] && return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN" "$1" "$2" "$3" "$4" "$5" "$LOAD" >>"$RESULTS"
}

note_load() { LOAD=$(cut -d' ' -f1 /proc/loadavg); }

# small_files DIR: SMALL_COUNT files of 4 KiB of fresh random bytes.
small_files() {
  rm -rf "$1"; mkdir -p "$1"
  head -c $((4096 * SMALL_COUNT)) /dev/urandom | split -b 4096 -d -a 5 - "$1/o"
}

# curl_seq CONFIG: runs every request of a curl config on one keep-alive connection per host;
# prints "succeeded failed seconds", the seconds being the sum of the requests' own times (curl's
# start-up is not in it).
curl_seq() {
  curl -s -K "$1" -w '%{http_code} %{time_total}\n' |
    awk '$1 ~ /^2/ { ok++ } $1 !~ /^2/ { bad++ } { t += $2 } END { printf "%d %d %f\n", ok, bad, t }'
}

# put_config BASE PATH_PREFIX FILES_DIR: a curl config of one PUT per file, to BASE, PATH_PREFIX
# and the file's name.
put_config() {
  local base=$1 prefix=$2 files=$3 f
  for f in "$files"/*; do
    printf 'url = "%s%s%s"\nupload-file = "%s"\noutput = "/dev/null"\n' "$base" "$prefix" "${f##*/}" "$f"
  done
}

# seq_put SYSTEM BASE PATH_PREFIX FILES_DIR PATHS_OUT: one PUT per file, in sequence; the paths
# written go to PATHS_OUT.
seq_put() {
  local system=$1 base=$2 prefix=$3 files=$4 paths=$5 f ok bad secs
  : >"$paths"
  for f in "$files"/*; do echo "$prefix${f##*/}" >>"$paths"; done
  put_config "$base" "$prefix" "$files" >"$OUT/put.curl"
  note_load
  read -r ok bad secs < <(curl_seq "$OUT/put.curl")
  record "$system" put4k-seq "$(rate "$ok" "$secs")" /s "$bad"
}

# seq_get SYSTEM URLS_FILE [WORKLOAD]: one GET per URL, in sequence.
seq_get() {
  local system=$1 urls=$2 workload=${3:-get4k-seq} ok bad secs
  sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$urls" >"$OUT/get.curl"
  note_load
  read -r ok bad secs < <(curl_seq "$OUT/get.curl")
  record "$system" "$workload" "$(rate "$ok" "$secs")" /s "$bad"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }

# run_wrk SYSTEM WORKLOAD SECONDS URL SCRIPT ARGS...: WRK_CONNECTIONS connections for SECONDS;
# failed requests are non-2xx answers plus socket errors.
run_wrk() {
  local system=$1 workload=$2 seconds=$3 url=$4 script=$5 out; shift 5
  note_load
  out=$(wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "${seconds}s" -s "$HERE/$script" "$url" -- "$@")
  echo "$out" >>"$LOGS/wrk.log"
  record "$system" "$workload" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" /s \
    "$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[a-z:,]/, ""); for (i = 1; i <= NF; i++) n += $i }
            END { print n + 0 }' <<<"$out")"
}

# freshen FILE: new first 64 bytes, so that a PUT of FILE brings content no store holds yet.
freshen() { head -c 64 /dev/urandom | dd of="$1" conv=notrunc status=none; }

# big_put SYSTEM URL [WORKLOAD] / big_get SYSTEM URL [WORKLOAD]: one BIG_MIB transfer with curl
# (recorded as put1g, get1g unless WORKLOAD says otherwise), each PUT of freshened content.
big_put() {
  freshen "$BIG_FILE"
  big_transfer "$1" "${3:-put1g}" size_upload -T "$BIG_FILE" "$2"
}

big_get() { big_transfer "$1" "${3:-get1g}" size_download "$2"; }

# big_transfer SYSTEM WORKLOAD COUNTED CURL_ARGS...: COUNTED is the curl variable of the bytes
# that must be BIG_MIB MiB (the body sent, or the body received).
big_transfer() {
  local system=$1 workload=$2 counted=$3 code secs bytes; shift 3
  note_load
  read -r code secs bytes < <(curl -s -o /dev/null \
    -w "%{http_code} %{time_total} %{$counted}\n" "$@")
  if [[ $code == 2* && $bytes == $((BIG_MIB << 20)) ]]; then
    record "$system" "$workload" "$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }')" MB/s 0
  else
    record "$system" "$workload" 0 MB/s 1
    echo "compare: $system $workload answered $code after $bytes bytes" >&2
  fi
}

# store_loads SYSTEM BASE: every workload on a store whose objects are at BASE/objects/NAME,
# after a warm-up of the same kinds that is not recorded (JIT, connection pools, caches).
# Leaves the paths of its sequential objects in $OUT/$SYSTEM.paths.
store_loads() {
  local system=$1 base=$2 tag=r$RUN-$RANDOM
  small_files "$OUT/warm-files"
  WARM=1
  seq_put "$system" "$base" "/objects/$tag-warm-" "$OUT/warm-files" "$OUT/warm.paths"
  sed "s|^|$base|" "$OUT/warm.paths" >"$OUT/warm.urls"
  seq_get "$system" "$OUT/warm.urls"
  run_wrk "$system" put4k-c16 "$WARMUP_SECONDS" "$base" put.lua "/objects/$tag-warm-c-"
  run_wrk "$system" get4k-c16 "$WARMUP_SECONDS" "$base" get.lua "$OUT/warm.paths"
  WARM=0
  small_files "$OUT/files"
  seq_put "$system" "$base" "/objects/$tag-" "$OUT/files" "$OUT/$system.paths"
  sed "s|^|$base|" "$OUT/$system.paths" >"$OUT/$system.urls"
  seq_get "$system" "$OUT/$system.urls"
  seq_get "$system" "$OUT/$system.urls" get4k-seq2
  # The same reads on wrk's one connection, whose client costs less a request than curl's: a
  # store answering near curl's own rate shows its speed here (benchmarks.md, section 44).
  WRK_CONNECTIONS=1 WRK_THREADS=1 run_wrk "$system" get4k-wrk1 "$WRK_SECONDS" "$base" get.lua \
    "$OUT/$system.paths"
  run_wrk "$system" put4k-c16 "$WRK_SECONDS" "$base" put.lua "/objects/$tag-c-"
  run_wrk "$system" get4k-c16 "$WRK_SECONDS" "$base" get.lua "$OUT/$system.paths"
  big_put "$system" "$base/objects/$tag-big"
  big_get "$system" "$base/objects/$tag-big"
  # Once more, new content again: a JVM's first big transfer runs slower than later ones.
  big_put "$system" "$base/objects/$tag-big2" put1g-2
  big_get "$system" "$base/objects/$tag-big2" get1g-2
  BIG_PATH=/objects/$tag-big2 # the content BIG_FILE holds now
}

# disk_loads: the disk's own rates, in the directory the stores use.
disk_loads() {
  local d=$OUT/disk
  rm -rf "$d"
  note_load; record disk put4k-seq "$("$HERE/disk.py" durable "$d/seq" 1 "$DISK_SECONDS")" /s 0
  note_load; record disk put4k-c16 "$("$HERE/disk.py" durable "$d/c16" "$WRK_CONNECTIONS" "$DISK_SECONDS")" /s 0
  note_load; record disk forced4k "$("$HERE/disk.py" forced "$d" "$DISK_SECONDS")" /s 0
  note_load; record disk put1g "$("$HERE/disk.py" big "$d" "$BIG_MIB")" MB/s 0
  note_load; record disk get1g "$("$HERE/disk.py" read "$d")" MB/s 0
  rm -rf "$d"
}
