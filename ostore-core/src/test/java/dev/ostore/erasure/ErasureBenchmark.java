package dev.ostore.erasure;

import java.util.Arrays;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the Reed-Solomon codec on one stripe of 64 KiB chunks: encoding, rebuilding two
 * lost data chunks (a degraded read), and as the floor {@code System.arraycopy} of the same data
 * bytes. One operation handles k * 64 KiB of data, so MiB/s = ops/s * k / 16. Not a test: surefire
 * never runs it.
 *
 * <pre>{@code
 * mvn -q -o -pl ostore-core test-compile
 * mvn -q -o -pl ostore-core dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/ostore-core.cp
 * CP=ostore-core/target/test-classes:ostore-core/target/classes:$(cat /tmp/ostore-core.cp)
 * java -cp "$CP" org.openjdk.jmh.Main ErasureBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ErasureBenchmark {
  static final int CHUNK = 64 * 1024;

  @Param({"4+2", "6+3", "10+4"})
  public String scheme;

  ErasureCode code;
  byte[][] shards;
  byte[][] copies;
  /** Data shards 0 and 1 lost, so decoding needs the inverse, not just the identity. */
  boolean[] present;

  @Setup
  public void setUp() {
    String[] km = scheme.split("\\+");
    code = ErasureCode.reedSolomon(Integer.parseInt(km[0]), Integer.parseInt(km[1]));
    shards = new byte[code.totalShards()][CHUNK];
    Random random = new Random(0);
    for (int i = 0; i < code.dataShards(); i++) {
      random.nextBytes(shards[i]);
    }
    code.encode(shards, 0, CHUNK);
    copies = new byte[code.dataShards()][CHUNK];
    present = new boolean[code.totalShards()];
    Arrays.fill(present, 2, present.length, true);
  }

  @Benchmark
  public byte[][] encode() {
    code.encode(shards, 0, CHUNK);
    return shards;
  }

  @Benchmark
  public byte[][] reconstructTwoData() {
    code.reconstructData(shards, present, 0, CHUNK);
    return shards;
  }

  @Benchmark
  public byte[][] arraycopy() {
    for (int i = 0; i < copies.length; i++) {
      System.arraycopy(shards[i], 0, copies[i], 0, CHUNK);
    }
    return copies;
  }
}
