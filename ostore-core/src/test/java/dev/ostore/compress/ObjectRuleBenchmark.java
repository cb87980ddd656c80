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
 * What ostore's whole rule ({@link ObjectCompressor}: byte-frequency check, probe, per-block
 * limit) costs with the gzip codec at level 1, in 64 KiB blocks, when the {@value
 * CodecBenchmark#CORPUS_MIB} MiB corpus is stored as objects of {@code objectKib} KiB: on
 * incompressible corpora, the price of "try, and keep raw". MiB/s = ops/s * {@value
 * CodecBenchmark#CORPUS_MIB}. Run it as {@link CodecBenchmark} says, naming {@code
 * ObjectRuleBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObjectRuleBenchmark {
  @Param({"JSON", "LOG", "TEXT", "GZIP", "IMAGE", "RANDOM"})
  public String corpus;

  @Param({"64", "1024", "4096"})
  public int objectKib;

  private CodecRun run;

  @Setup
  public void setUp() throws CorruptBlockException {
    byte[] content = Corpus.valueOf(corpus).make(CodecBenchmark.CORPUS_MIB << 20);
    run = new CodecRun(BlockCodec.gzip(1), content, 64 * 1024);
  }

  @TearDown
  public void tearDown() {
    run.close();
  }

  @Benchmark
  public long store() {
    return run.storeAll(objectKib * 1024);
  }
}
