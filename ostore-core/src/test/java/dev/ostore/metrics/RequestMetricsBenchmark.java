package dev.ostore.metrics;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What recording one request costs the thread that answered it: {@link RequestMetrics} counting
 * it (one counter by endpoint, method and status, two byte counters, one histogram) against a
 * baseline that only hands the same values to a black hole. Two threads, since requests are
 * recorded from many at once. Run it as {@code CodecBenchmark} says, naming {@code
 * RequestMetricsBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Threads(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestMetricsBenchmark {
  /** One registry shared by the threads, as a server's is. */
  @State(Scope.Benchmark)
  public static class Server {
    final RequestMetrics requests = new RequestMetrics(Metrics.create(), System::nanoTime);
  }

  @Benchmark
  public void baseline(Blackhole hole) {
    hole.consume("/objects/{name}");
    hole.consume("GET");
    hole.consume(200);
    hole.consume(4096L);
    hole.consume(System.nanoTime());
  }

  @Benchmark
  public void recordOneRequest(Server server) {
    server.requests.answered("/objects/{name}", "GET", 200, 0, 4096, System.nanoTime() - 1000);
  }
}
