package dev.ostore.heartbeat;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Announces a data server: publishes its address as a JSON string on {@link
 * MessageBus#API_SERVERS} at once and then every interval. A failed announcement (the broker is
 * away) is logged once and retried at the next tick. Closing stops it; idempotent.
 */
public final class HeartbeatPublisher implements AutoCloseable {
  private static final Logger log = System.getLogger(HeartbeatPublisher.class.getName());

  private final MessageBus bus;
  private final String body;
  private final ScheduledFuture<?> ticks;
  private final AtomicBoolean failing = new AtomicBoolean();

  private HeartbeatPublisher(MessageBus bus, ServerAddress self, Duration interval,
      ScheduledExecutorService scheduler) {
    this.bus = bus;
    this.body = Json.quote(self.toString());
    this.ticks = scheduler.scheduleAtFixedRate(
        this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts announcing {@code self} every {@code interval} on {@code scheduler}'s threads. */
  public static HeartbeatPublisher start(MessageBus bus, ServerAddress self, Duration interval,
      ScheduledExecutorService scheduler) {
    return new HeartbeatPublisher(bus, self, interval, scheduler);
  }

  private void beat() {
    try {
      bus.publish(MessageBus.API_SERVERS, body);
      if (failing.compareAndSet(true, false)) {
        log.log(INFO, () -> "heartbeat " + body + " published again");
      }
    } catch (IOException | RuntimeException e) {
      // A heartbeat that fails must not end the schedule: the next one may get through.
      log.log(failing.compareAndSet(false, true) ? WARNING : DEBUG,
          () -> "heartbeat " + body + " not published: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    ticks.cancel(false);
  }
}
