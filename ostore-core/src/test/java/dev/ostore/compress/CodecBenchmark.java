package dev.ostore.compress;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compression and decompression throughput, one thread, of ostore's gzip codec against the
 * candidates it was chosen over ({@link ComparisonCodecs}), on each {@link Corpus}, in blocks of
 * 64 KiB (the shard block) and 1 MiB. One operation handles the whole {@value #CORPUS_MIB} MiB
 * corpus block by block, each block kept compressed only under {@link ObjectCompressor}'s
 * per-block rule (decompressing copies the blocks kept raw), so MiB/s = ops/s * {@value
 * #CORPUS_MIB}. On incompressible corpora, {@code compress} is the cost of trying and giving up.
 * Ratios come from {@link CompressionRatios}, not from here.
 *
 * <p>How to run, from the repository root:
 *
 * <pre>{@code
 * mvn -q -o -pl ostore-core test-compile
 * mvn -q -o -pl ostore-core dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/ostore-core.cp
 * CP=ostore-core/target/test-classes:ostore-core/target/classes:$(cat /tmp/ostore-core.cp)
 * java -cp "$CP" org.openjdk.jmh.Main 'CodecBenchmark' -f 1 -wi 2 -w 1s -i 5 -r 1s \
 *     -rf json -rff /tmp/codec.json
 * java -cp "$CP" dev.ostore.compress.CompressionRatios
 * }</pre>
 *
 * <p>Not a test (surefire runs only {@code *Test}). On a shared two-core machine compare codecs
 * within one run and read medians; the load average belongs with the figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
  static final int CORPUS_MIB = 4;

  @Param({"gzip-1", "gzip-6", "lz4-java-safe", "lz4-java-jni", "air-lz4", "air-snappy",
      "air-zstd", "zstd-jni-1", "zstd-jni-3"})
  public String codec;

  @Param({"JSON", "LOG", "TEXT", "GZIP", "IMAGE", "RANDOM"})
  public String corpus;

  @Param({"65536", "1048576"})
  public int blockSize;

  private BlockCodec blockCodec;
  private byte[] content;
  private byte[][] stored;
  private int[] storedLength;
  private byte[] out;

  @Setup
  public void setUp() throws CorruptBlockException {
    blockCodec = ComparisonCodecs.byName(codec);
    content = Corpus.valueOf(corpus).make(CORPUS_MIB << 20);
    int blocks = content.length / blockSize;
    stored = new byte[blocks][blockSize];
    storedLength = new int[blocks];
    out = new byte[blockSize];
    for (int b = 0; b < blocks; b++) {
      storedLength[b] = compressBlock(b, stored[b]);
      if (storedLength[b] != BlockCodec.NOT_SMALLER) {
        blockCodec.decompress(stored[b], 0, storedLength[b], out, 0, blockSize);
        if (!java.util.Arrays.equals(out, 0, blockSize, content, b * blockSize,
            (b + 1) * blockSize)) {
          throw new IllegalStateException(codec + " does not round-trip block " + b);
        }
      }
    }
  }

  @TearDown
  public void tearDown() {
    blockCodec.close();
  }

  @Benchmark
  public long compress() {
    long total = 0;
    for (int b = 0; b < stored.length; b++) {
      total += compressBlock(b, out);
    }
    return total;
  }

  @Benchmark
  public int decompress() throws CorruptBlockException {
    int check = 0;
    for (int b = 0; b < stored.length; b++) {
      if (storedLength[b] == BlockCodec.NOT_SMALLER) {
        System.arraycopy(content, b * blockSize, out, 0, blockSize);
      } else {
        blockCodec.decompress(stored[b], 0, storedLength[b], out, 0, blockSize);
      }
      check += out[b & (blockSize - 1)];
    }
    return check;
  }

  private int compressBlock(int b, byte[] dst) {
    return blockCodec.compress(content, b * blockSize, blockSize, dst, 0,
        ObjectCompressor.blockLimit(blockSize));
  }
}
