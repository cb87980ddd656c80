#!/usr/bin/env bash
# Copied from the run of docs/benchmarks.md section 16; paths under /tmp/smallput as used there.
# CPU seconds (user+sys) of a cluster's 7 JVMs per PUT: cpu.sh NAME PORT COUNT CONC
cd /tmp/smallput
name=$1 port=$2 n=$3 c=$4
tck=$(getconf CLK_TCK)
sum() { local t=0; for f in run/$name/*.pid; do p=$(cat $f); set -- $(cut -d' ' -f14,15 /proc/$p/stat); t=$((t + $1 + $2)); done; echo $t; }
java -jar new/ostore-client.jar --server http://127.0.0.1:$port bench --size 4k --count 100 --concurrency $c --op put --warmup 50 >/dev/null 2>&1
a=$(sum)
res=$(java -jar new/ostore-client.jar --server http://127.0.0.1:$port bench --size 4k --count $n --concurrency $c --op put --warmup 1 --keep 2>&1)
b=$(sum)
ops=$(echo "$res" | awk '/^ops_per_s/{print $2}')
echo -e "$name\tc$c\t$n\t$(echo "scale=3; ($b - $a) * 1000 / $tck / $n" | bc)\t$ops\t$(cut -d' ' -f1 /proc/loadavg)"
