package dev.ostore.metadata;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells operators when a database stops answering and when it answers again, once each: while it
 * is down every request fails on it, and a line per request would bury everything else. Clients
 * are told only that the metadata store is unavailable; the details (where the database is, what
 * the driver said) are for the log. Thread-safe.
 */
final class Outages {
  private static final Logger log = System.getLogger(Outages.class.getName());

  /** An outage: since when, and what the first failure said. */
  private record Outage(Instant since, String cause) {}

  private final String database;
  private final InstantSource clock;
  private final AtomicReference<Outage> current = new AtomicReference<>();
  private final List<OutageListener> listeners = new CopyOnWriteArrayList<>();

  /** Outages of {@code database}, as logs name it ("PostgreSQL at jdbc:..."), timed by clock. */
  Outages(String database, InstantSource clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * Tells {@code listener} of each outage from now on, and at once of one going on: the store
   * may have found the database down at its start, before anyone could listen.
   */
  void addListener(OutageListener listener) {
    listeners.add(listener);
    if (current.get() != null) {
      listener.began();
    }
  }

  /** Now, for a call to say when it {@linkplain #reachable began}. */
  Instant now() {
    return clock.instant();
  }

  /** Notes that the database could not be reached; logs it if that starts an outage. */
  void unreachable(Exception cause) {
    Outage outage = new Outage(clock.instant(), firstLine(cause));
    if (current.compareAndSet(null, outage)) {
      listeners.forEach(OutageListener::began);
      log.log(WARNING, () -> describe(outage) + "; requests that need it answer 503 until it is"
          + " back");
    }
  }

  /**
   * Notes that the database answered a call begun at {@code began}; logs the end of the outage,
   * unless the outage started after that call did (its answer then says nothing of the outage).
   */
  void reachable(Instant began) {
    Outage outage = current.get();
    if (outage != null && !began.isBefore(outage.since())
        && current.compareAndSet(outage, null)) {
      listeners.forEach(OutageListener::ended);
      Duration lasted = Duration.between(outage.since(), clock.instant());
      log.log(INFO, () -> "metadata store " + database + " is reachable again after "
          + lasted.toSeconds() + " s");
    }
  }

  /** The outage going on, in one line for operators; empty while the database answers. */
  Optional<String> current() {
    return Optional.ofNullable(current.get()).map(this::describe);
  }

  private String describe(Outage outage) {
    return "metadata store " + database + " is unreachable: " + outage.cause();
  }

  /** What {@code failure} says, in one line: drivers' messages may go on with hints. */
  static String firstLine(Throwable failure) {
    String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    return message.lines().findFirst().orElse(message);
  }
}
