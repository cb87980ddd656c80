#!/usr/bin/env bash
# Interleaved rounds on two running stores, alternating which goes first: 1,000 objects of 4 KiB
# of fresh random bytes PUT one after another, then read back one after another twice, through
# curl on one keep-alive connection, as compare.sh's get4k-seq and get4k-seq2 read theirs.
#   written-then-read-ab.sh NAME:PORT NAME:PORT ROUNDS
# Prints one line per round and store: round, store, PUT/s, first GET/s, second GET/s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/compare/loads.sh"
a=$1 b=$2 rounds=$3
SMALL_COUNT=1000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rate_of() { read -r ok _ secs < <(curl_seq "$1"); rate "$ok" "$secs"; }
for r in $(seq "$rounds"); do
  order="$a $b"
  [ $((r % 2)) = 1 ] || order="$b $a"
  for s in $order; do
    IFS=: read -r n p <<<"$s"
    small_files "$work/files"
    prefix=/objects/wtr-$r-$RANDOM-
    put_config "http://127.0.0.1:$p" "$prefix" "$work/files" >"$work/put.curl"
    for f in "$work/files"/*; do
      printf 'url = "http://127.0.0.1:%s%s%s"\noutput = "/dev/null"\n' "$p" "$prefix" "${f##*/}"
    done >"$work/get.curl"
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$n" "$(rate_of "$work/put.curl")" \
      "$(rate_of "$work/get.curl")" "$(rate_of "$work/get.curl")"
  done
done
