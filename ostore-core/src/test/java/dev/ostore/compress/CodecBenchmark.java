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
 * corpus block by block as {@link CodecRun} does, so MiB/s = ops/s * {@value #CORPUS_MIB}. On
 * incompressible corpora, {@code compress} is the cost of trying and giving up.
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

  private CodecRun run;

  @Setup
  public void setUp() throws CorruptBlockException {
    byte[] content = Corpus.valueOf(corpus).make(CORPUS_MIB << 20);
    run = new CodecRun(ComparisonCodecs.byName(codec), content, blockSize);
  }

  @TearDown
  public void tearDown() {
    run.close();
  }

  @Benchmark
  public long compress() {
    return run.compressAll();
  }

  @Benchmark
  public int decompress() throws CorruptBlockException {
    return run.decompressAll();
  }
}
