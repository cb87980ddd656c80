# Sourced by the small-GET scripts (small-get-ab.sh, floor/small-get-floor.sh): 200 small objects
# on a store, and what their clients read.

# small_paths PREFIX: the paths of the 200 objects, /objects/PREFIX1 .. PREFIX200, one a line.
small_paths() {
  seq 1 200 | sed "s,^,/objects/$1,"
}

# small_objects BASE PREFIX SIZE WORK: BASE/objects/PREFIX1 .. PREFIX200 exist, each PUT with
# SIZE random bytes when a HEAD does not find it (WORK holds the body); exits naming the first
# that cannot be PUT.
small_objects() {
  local base=$1 prefix=$2 size=$3 work=$4 i
  for i in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -I "$base/objects/$prefix$i")" = 200 ] || {
      head -c "$size" /dev/urandom >"$work/body"
      curl -sf -o /dev/null -T "$work/body" "$base/objects/$prefix$i" ||
        { echo "cannot PUT $base/objects/$prefix$i" >&2; exit 1; }
    }
  done
}

# small_gets BASE PATHS CONFIG: a curl config of 1,000 GETs (PATHS five times) at BASE in CONFIG,
# then 10 s of GETs of PATHS at 8 connections (wrk) to warm the server up.
small_gets() {
  local base=$1 paths=$2 config=$3 _
  for _ in 1 2 3 4 5; do
    sed "s,.*,url = \"$base&\"\noutput = \"/dev/null\"," "$paths"
  done >"$config"
  wrk -t 2 -c 8 -d 10s -s "$(dirname "${BASH_SOURCE[0]}")/compare/get.lua" "$base" -- "$paths" \
    >/dev/null
}
