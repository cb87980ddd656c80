package dev.ostore.compress;

import java.io.IOException;
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
 * ostore's rule with the gzip codec at level 1 in 64 KiB blocks, end to end, on each {@link
 * Corpus} of {@value CodecBenchmark#CORPUS_MIB} MiB; MiB/s = ops/s * {@value
 * CodecBenchmark#CORPUS_MIB}. {@code store}: the content stored as objects of {@code objectKib}
 * KiB, each under its own {@link ObjectCompressor} (byte-frequency check, probe, per-block
 * limit): on incompressible corpora, the price of "try, and keep raw". {@code gzipBody}: the
 * stored blocks sent as one gzip member ({@link GzipAssembler}), the CPU a GET that accepts gzip
 * costs beyond writing the bytes. Run it as {@link CodecBenchmark} says, naming {@code
 * ObjectRuleBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObjectRuleBenchmark {
  /** One corpus in stored blocks. */
  @State(Scope.Thread)
  public static class Stored {
    @Param({"JSON", "LOG", "TEXT", "GZIP", "IMAGE", "RANDOM"})
    public String corpus;

    CodecRun run;

    @Setup
    public void setUp() throws CorruptBlockException {
      byte[] content = Corpus.valueOf(corpus).make(CodecBenchmark.CORPUS_MIB << 20);
      run = new CodecRun(BlockCodec.gzip(1), content, 64 * 1024);
    }

    @TearDown
    public void tearDown() {
      run.close();
    }
  }

  /** The size of the objects the corpus is stored as. */
  @State(Scope.Thread)
  public static class Objects {
    @Param({"64", "1024", "4096"})
    public int objectKib;
  }

  @Benchmark
  public long store(Stored stored, Objects objects) {
    return stored.run.storeAll(objects.objectKib * 1024);
  }

  @Benchmark
  public long gzipBody(Stored stored) throws IOException {
    return stored.run.gzipBody();
  }
}
