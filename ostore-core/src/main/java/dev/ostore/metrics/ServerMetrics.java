package dev.ostore.metrics;

import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.http.RequestObserver;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The metrics every ostore server has: its HTTP requests (to be given to the HTTP service as its
 * {@link #requests() observer}), its uptime, and how often its bus reconnected to the broker.
 * A server adds its own to {@link #metrics()}. Closing stops counting reconnects; idempotent.
 */
public final class ServerMetrics implements AutoCloseable {
  private final Metrics metrics;
  private final RequestObserver requests;
  private final Subscription reconnects;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private ServerMetrics(Metrics metrics, RequestObserver requests, Subscription reconnects) {
    this.metrics = metrics;
    this.requests = requests;
    this.reconnects = reconnects;
  }

  /**
   * Metrics of a server starting now, by {@code clock}, on {@code bus}; requests are timed by
   * {@code nanoTime}, which must be {@link System#nanoTime()}'s clock outside tests (the HTTP
   * server dates a request's start by it).
   */
  public static ServerMetrics start(InstantSource clock, LongSupplier nanoTime, MessageBus bus) {
    Metrics metrics = Metrics.create();
    RequestMetrics requests = new RequestMetrics(metrics, nanoTime);
    Instant started = clock.instant();
    metrics.gauge("ostore_uptime_seconds", "Seconds since this server started.",
        () -> Duration.between(started, clock.instant()).toMillis() / 1000.0);
    Counter reconnected = metrics.counter("ostore_bus_reconnects_total",
        "Times the message bus connected to its broker again after losing it.");
    return new ServerMetrics(metrics, requests, bus.onReconnect(reconnected::increment));
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The observer to give the server's HTTP service. */
  public RequestObserver requests() {
    return requests;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      reconnects.close();
    }
  }
}
