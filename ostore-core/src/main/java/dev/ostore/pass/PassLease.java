package dev.ostore.pass;

import dev.ostore.metadata.MetadataStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * A lease in the metadata store that makes a pass the only one of its kind in the cluster:
 * taken at the start, renewed as the pass goes, given up at the end. A lease lost (this server
 * was too slow, another took over) fails the renewal, which ends the pass, so that two never
 * run at once. Not thread-safe: one pass uses it.
 */
public final class PassLease {
  private final MetadataStore metadata;
  private final String name;
  private final String holder;
  private final Duration term;
  private final InstantSource clock;
  private Instant renewed;

  private PassLease(MetadataStore metadata, String name, String holder, Duration term,
      InstantSource clock, Instant renewed) {
    this.metadata = metadata;
    this.name = name;
    this.holder = holder;
    this.term = term;
    this.clock = clock;
    this.renewed = renewed;
  }

  /** The lease {@code name} for {@code holder}; empty when another holder has it. */
  public static Optional<PassLease> take(MetadataStore metadata, String name, String holder,
      Duration term, InstantSource clock) throws IOException {
    Instant now = clock.instant();
    return metadata.lease(name, holder, now, term)
        ? Optional.of(new PassLease(metadata, name, holder, term, clock, now))
        : Optional.empty();
  }

  /** Renews the lease once a third of its term has gone; fails if it was lost. */
  public void renew() throws IOException {
    Instant now = clock.instant();
    if (now.isBefore(renewed.plus(term.dividedBy(3)))) {
      return;
    }
    if (!metadata.lease(name, holder, now, term)) {
      throw new IOException("the " + name + " lease was lost to another api server");
    }
    renewed = now;
  }

  /** Gives the lease up. */
  public void release() throws IOException {
    metadata.release(name, holder);
  }
}
