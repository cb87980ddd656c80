#!/usr/bin/env bash
# Issue 11: a resumable upload of 1 GiB in one piece, and with 10 breaks, against a plain PUT of
# the same size, side by side on one cluster started by ../cluster.sh (DATA_SERVERS=6) on PORT.
# ROUNDS rounds (5), the order rotating; every transfer gets fresh content (a new 64-byte
# prefix), its SHA-256 declared in all three, so nothing is stored already and all three check
# the same. Prints per round and way the MB/s of the whole upload, from the first request to the
# last answer: plain (one PUT), piece (POST, then one PUT /temp), breaks (POST, then PUT /temp
# through cutproxy.py, which cuts each connection after 1/11 of the object, HEADs until the
# server has recorded what arrived, 10 times, then the rest straight), and proxied (as piece,
# but through a cutproxy.py that never cuts: what the proxy itself costs the breaks).
# Disk: every round stores 3 or 4 GiB of new content, 1.5 times over (4+2), and nothing gives it
# back yet (no garbage collection): 5 rounds fill about 30 GB under OUT; delete OUT after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-24000}
PROXY=${PROXY:-24090}
BIG=${BIG:-/tmp/big1g}
SIZE=$((1 << 30))
[ -f "$BIG" ] || head -c $SIZE /dev/urandom >"$BIG"
api=http://127.0.0.1:$PORT
python3 "$here/cutproxy.py" "$PROXY" "$PORT" $((SIZE / 11)) & proxy=$!
python3 "$here/cutproxy.py" $((PROXY + 1)) "$PORT" 0 & whole=$!
trap 'kill $proxy $whole' EXIT
now() { date +%s.%N; }
mbs() { echo "$1 $2" | awk '{printf "%.0f", 1073741824 / ($2 - $1) / 1e6}'; }
digest() { openssl dgst -sha256 -binary "$BIG" | base64; }
offset() { curl -sI "$api$1" | tr -d '\r' | awk -F': ' 'tolower($1) == "upload-offset" {print $2}'; }
start() {
  curl -s -o /dev/null -D - -X POST -H "Size: $SIZE" -H "Digest: SHA-256=$1" \
    "$api/objects/$2" | tr -d '\r' | awk -F': ' 'tolower($1) == "location" {print $2}'
}
plain() {
  curl -sf -o /dev/null -H "Digest: SHA-256=$1" -T "$BIG" "$api/objects/$2"
}
piece() {
  local at; at=$(start "$1" "$2")
  curl -sf -o /dev/null -H "Range: bytes=0-" -T "$BIG" "${3:-$api}$at"
}
proxied() {
  piece "$1" "$2" "http://127.0.0.1:$((PROXY + 1))"
}
breaks() {
  local at off=0; at=$(start "$1" "$2")
  for _ in $(seq 10); do
    tail -c +$((off + 1)) "$BIG" | curl -s -o /dev/null -H "Range: bytes=$off-" \
      -H "Content-Length: $((SIZE - off))" -H "Transfer-Encoding:" -T - "http://127.0.0.1:$PROXY$at" || true
    # The api server records what arrived once it notices the cut: ask until it has.
    local before=$off
    while off=$(offset "$at"); [ "$off" = "$before" ]; do sleep 0.02; done
  done
  tail -c +$((off + 1)) "$BIG" | curl -sf -o /dev/null -H "Range: bytes=$off-" \
    -H "Content-Length: $((SIZE - off))" -H "Transfer-Encoding:" -T - "$api$at"
}
ways=(plain piece breaks proxied)
for r in $(seq "${ROUNDS:-5}"); do
  line="round $r"
  for i in 0 1 2 3; do
    way=${ways[$(((i + r) % 4))]}
    head -c 64 /dev/urandom | dd of="$BIG" conv=notrunc status=none
    d=$(digest)
    t0=$(now); $way "$d" "resumable-$way-$r"; t1=$(now)
    line="$line $way $(mbs "$t0" "$t1")"
  done
  echo "$line"
done
