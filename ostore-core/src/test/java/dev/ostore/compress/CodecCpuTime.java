package dev.ostore.compress;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput per CPU-second of every comparison codec, by the thread's own CPU time rather than
 * the wall clock, with the codecs interleaved (the order rotating every round): on a shared
 * two-core machine, other work then slows the wall clock of {@link CodecBenchmark} but hardly
 * these figures. Prints medians over rounds, MiB of original content per CPU-second. A report,
 * not a test; run it as {@link CodecBenchmark} says, with {@code dev.ostore.compress.CodecCpuTime
 * [rounds [rule]]} as the main class ({@code rule}: only the table of {@link
 * ObjectRuleBenchmark}).
 */
public final class CodecCpuTime {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Each sample repeats its pass until it has used this much CPU. */
  private static final long SAMPLE_NANOS = 50_000_000;

  private CodecCpuTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int size = CodecBenchmark.CORPUS_MIB << 20;
    if (args.length > 1 && args[1].equals("rule")) {
      printRule(rounds, size);
      return;
    }
    System.out.println("| corpus | block | codec | compress MiB/CPU-s | decompress MiB/CPU-s |");
    System.out.println("|---|---|---|---|---|");
    for (Corpus corpus : Corpus.values()) {
      byte[] content = corpus.make(size);
      for (int blockSize : new int[] {64 * 1024, 1 << 20}) {
        List<CodecRun> runs = new ArrayList<>();
        for (String name : ComparisonCodecs.NAMES) {
          runs.add(new CodecRun(ComparisonCodecs.byName(name), content, blockSize));
        }
        double[][] compress = new double[runs.size()][rounds];
        double[][] decompress = new double[runs.size()][rounds];
        for (int round = -2; round < rounds; round++) { // two rounds of warm-up
          for (int i = 0; i < runs.size(); i++) {
            int c = Math.floorMod(i + round, runs.size());
            double mibPerSecondC = rate(runs.get(c), true, size);
            double mibPerSecondD = rate(runs.get(c), false, size);
            if (round >= 0) {
              compress[c][round] = mibPerSecondC;
              decompress[c][round] = mibPerSecondD;
            }
          }
        }
        for (int c = 0; c < runs.size(); c++) {
          System.out.printf("| %s | %d KiB | %s | %.0f | %.0f |%n", corpus, blockSize >> 10,
              ComparisonCodecs.NAMES[c], median(compress[c]), median(decompress[c]));
          runs.get(c).close();
        }
      }
    }
    printRule(rounds, size);
  }

  /** ostore's whole rule with gzip-1 in 64 KiB blocks, for objects of several sizes. */
  private static void printRule(int rounds, int size) throws Exception {
    System.out.println();
    System.out.println("| corpus | store 64 KiB objects | 1 MiB | 4 MiB | gzip body |"
        + " (MiB/CPU-s) |");
    System.out.println("|---|---|---|---|---|");
    int[] objectSizes = {64 << 10, 1 << 20, 4 << 20};
    for (Corpus corpus : Corpus.values()) {
      try (CodecRun run = new CodecRun(BlockCodec.gzip(1), corpus.make(size), 64 * 1024)) {
        double[][] rates = new double[objectSizes.length + 1][rounds];
        for (int round = -2; round < rounds; round++) {
          for (int o = 0; o <= objectSizes.length; o++) {
            int objectSize = o < objectSizes.length ? objectSizes[o] : 0;
            double rate = rate(() -> objectSize > 0 ? run.storeAll(objectSize) : run.gzipBody(),
                size);
            if (round >= 0) {
              rates[o][round] = rate;
            }
          }
        }
        System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f |%n", corpus, median(rates[0]),
            median(rates[1]), median(rates[2]), median(rates[3]));
      }
    }
  }

  /** MiB of content per CPU-second for whole passes over it, compressing or decompressing. */
  private static double rate(CodecRun run, boolean compress, int size) throws Exception {
    return rate(() -> compress ? run.compressAll() : run.decompressAll(), size);
  }

  /** A pass over the content, answering something that depends on its work. */
  private interface Pass {
    long run() throws Exception;
  }

  private static double rate(Pass pass, int size) throws Exception {
    long start = THREADS.getCurrentThreadCpuTime();
    long passes = 0;
    long sink = 0;
    long used;
    do {
      sink += pass.run();
      passes++;
      used = THREADS.getCurrentThreadCpuTime() - start;
    } while (used < SAMPLE_NANOS);
    if (sink == Long.MIN_VALUE) {
      System.out.print(""); // keeps the passes from being optimized away
    }
    return passes * (double) size / (1 << 20) / (used / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
