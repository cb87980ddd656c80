package dev.ostore.stream;

import dev.ostore.heartbeat.FakeClock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link Transfers} for tests against servers on loopback: idle connections kept by a fake clock
 * the test moves, a 2 s connect and 10 s read timeout. Closing closes the transfers and their
 * executor.
 */
final class FakeClockTransfers implements AutoCloseable {
  final ExecutorService executor = Executors.newCachedThreadPool();
  final FakeClock clock = new FakeClock();
  final Transfers transfers = Transfers.create(executor, new FakeScheduler(clock), clock,
      Duration.ofSeconds(2), Duration.ofSeconds(10));

  @Override
  public void close() {
    transfers.close();
    executor.shutdownNow();
  }
}
