package dev.ostore.heartbeat;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Announces a data server: publishes its {@link Heartbeat}, as it is at each beat (its free space
 * changes), on {@link MessageBus#API_SERVERS} at once, then every interval, and at once again
 * whenever the bus reconnects to its broker, so that api servers that stopped hearing it during a
 * broker outage know it again as soon as the broker is back rather than up to an interval later.
 * A failed announcement (the broker is away) is logged once and retried at the next tick.
 * Closing stops it; idempotent.
 */
public final class HeartbeatPublisher implements AutoCloseable {
  private static final Logger log = System.getLogger(HeartbeatPublisher.class.getName());

  private final MessageBus bus;
  private final Supplier<Heartbeat> self;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final Subscription reconnects;
  private final ScheduledFuture<?> ticks;

  private HeartbeatPublisher(MessageBus bus, Supplier<Heartbeat> self, Duration interval,
      ScheduledExecutorService scheduler) {
    this.bus = bus;
    this.self = self;
    this.scheduler = scheduler;
    // Both start the publisher's work on other threads, which only use the fields set above.
    this.reconnects = bus.onReconnect(this::beatNow);
    this.ticks = scheduler.scheduleAtFixedRate(
        this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts announcing {@code self} every {@code interval} on {@code scheduler}'s threads. */
  public static HeartbeatPublisher start(MessageBus bus, Heartbeat self, Duration interval,
      ScheduledExecutorService scheduler) {
    return start(bus, () -> self, interval, scheduler);
  }

  /** Starts announcing what {@code self} gives at each beat, as {@link #start} does. */
  public static HeartbeatPublisher start(MessageBus bus, Supplier<Heartbeat> self,
      Duration interval, ScheduledExecutorService scheduler) {
    return new HeartbeatPublisher(bus, self, interval, scheduler);
  }

  /** Runs on a thread of the bus, which must not wait for the broker: the scheduler publishes. */
  private void beatNow() {
    try {
      scheduler.execute(this::beat);
    } catch (RejectedExecutionException e) {
      // The scheduler was shut down: the server is stopping, and this publisher with it.
    }
  }

  private void beat() {
    if (!open.get()) {
      return;
    }
    String body = self.get().toJson();
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
    if (open.compareAndSet(true, false)) {
      reconnects.close();
      ticks.cancel(false);
    }
  }
}
