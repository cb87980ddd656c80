package dev.ostore.compress;

/**
 * Prints, for every comparison codec and {@link Corpus}, how many times smaller the content gets
 * in blocks of 64 KiB and 1 MiB (blocks that do not save 1/64 kept raw), and, for 64 KiB blocks
 * in a 4+2 erasure-coded layout, the disk bytes per original byte of three ways to combine
 * compression with the code (uncompressed: 1.50). Run as {@link CodecBenchmark} says; a report,
 * not a test.
 */
public final class CompressionRatios {
  private static final int K = 4;
  private static final int M = 2;
  private static final int BLOCK = 64 * 1024;

  private CompressionRatios() {}

  public static void main(String[] args) throws CorruptBlockException {
    int size = CodecBenchmark.CORPUS_MIB << 20;
    System.out.println("| codec | corpus | ratio 64 KiB | ratio 1 MiB | 4+2 compress first"
        + " | 4+2 padded stripes | 4+2 data shards only |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Corpus corpus : Corpus.values()) {
      byte[] content = corpus.make(size);
      for (String name : ComparisonCodecs.NAMES) {
        try (CodecRun run = new CodecRun(ComparisonCodecs.byName(name), content, BLOCK);
            CodecRun bigRun = new CodecRun(ComparisonCodecs.byName(name), content, 1 << 20)) {
          int[] small = run.storedLengths();
          int[] big = bigRun.storedLengths();
          System.out.printf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name, corpus,
              (double) size / sum(small), (double) size / sum(big),
              sum(small) * (K + M) / (double) K / size, paddedStripes(small) / size,
              (sum(small) + (double) M / K * size) / size);
        }
      }
    }
  }

  /** Each stripe of K blocks: K + M blocks as long as its longest compressed block. */
  private static double paddedStripes(int[] lengths) {
    double total = 0;
    for (int s = 0; s < lengths.length; s += K) {
      int longest = 0;
      for (int i = s; i < Math.min(s + K, lengths.length); i++) {
        longest = Math.max(longest, lengths[i]);
      }
      total += (double) longest * (K + M);
    }
    return total;
  }

  private static long sum(int[] lengths) {
    long total = 0;
    for (int n : lengths) {
      total += n;
    }
    return total;
  }
}
