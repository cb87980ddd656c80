#!/usr/bin/env bash
# Copied from the run of docs/benchmarks.md section 16; paths under /tmp/smallput as used there.
# Clusters: DATA_SERVERS=6 TREE=<build> docs/bench/cluster.sh start base 22000 (new: 22010).
# Interleaved rounds: base (22000) vs new (22010), 4 KiB PUT at c1 and c16; disk rate each round.
cd /tmp/smallput
out=${OUT:-/tmp/smallput/results.tsv}
rounds=${ROUNDS:-3}
for r in $(seq $rounds); do
  echo -e "$r\tdisk\t-\t$(python3 disk.py /tmp/smallput/disk 300 | awk '{print $2}')\t-\t$(cut -d' ' -f1 /proc/loadavg)" >> $out
  if [ $((r % 2)) = 1 ]; then order="base:22000 new:22010"; else order="new:22010 base:22000"; fi
  for c in 1 16; do
    if [ $c = 1 ]; then n=400; w=100; else n=2000; w=300; fi
    for b in $order; do
      name=${b%%:*} port=${b##*:}
      load=$(cut -d' ' -f1 /proc/loadavg)
      res=$(timeout 300 java -jar new/ostore-client.jar --server http://127.0.0.1:$port bench --size 4k --count $n --concurrency $c --op put --warmup $w 2>&1)
      ops=$(echo "$res" | awk '/^ops_per_s/{print $2}'); p50=$(echo "$res" | awk '/^latency_p50_ms/{print $2}'); err=$(echo "$res" | awk '/^errors/{print $2}')
      echo -e "$r\t$name\tc$c\t$ops\t$p50\t$load\t$err" >> $out
    done
  done
done
