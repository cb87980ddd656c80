package dev.ostore.metadata;

import static java.lang.System.Logger.Level.INFO;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.lang.System.Logger;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The schema migration a store needs before its first call, done once and one attempt at a time.
 * Until it succeeds every call needs it, and while the database cannot be reached an attempt takes
 * as long as the driver's connect timeout: calls that come meanwhile share the outcome of the
 * attempt in progress rather than each making one of their own in turn, so that N calls fail
 * together within one attempt instead of one after the other. Thread-safe.
 */
final class Migration {
  private static final Logger log = System.getLogger(Migration.class.getName());

  private final Database database;
  private final Dialect dialect;
  private final InstantSource clock;
  private final Optional<StoreIdentity> owner;
  /** Once true, a call costs a read of this flag. */
  private volatile boolean done;
  private final AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>();

  /** Migrates the schema of {@code database} and claims it for {@code owner}, if given. */
  Migration(Database database, Dialect dialect, InstantSource clock,
      Optional<StoreIdentity> owner) {
    this.database = database;
    this.dialect = dialect;
    this.clock = clock;
    this.owner = owner;
  }

  /**
   * Returns once the schema is current: at once when it is known to be, or after migrating it or
   * waiting (at most {@link Database#MAX_WAIT}) for the attempt in progress.
   *
   * @throws OstoreException METADATA_UNAVAILABLE when the database cannot be reached or fails
   * @throws IllegalStateException when an operator must act: the schema is newer than this code,
   *     there is no schema to keep the tables in, or the database belongs to another store
   */
  void ensure() throws OstoreException {
    if (done) {
      return;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> other = running.compareAndExchange(null, mine);
    if (other != null) {
      await(other);
      return;
    }
    try {
      if (!done) {
        int version = database.write("migrate the schema", session -> {
          int migrated = Schema.migrate(session.connection(), dialect, clock);
          if (owner.isPresent()) {
            Ownership.claim(session.connection(), owner.get(), database.url(), clock);
          }
          return migrated;
        });
        done = true;
        log.log(INFO, () -> "metadata store: " + database.name() + ", schema version " + version);
      }
      mine.complete(null);
    } catch (OstoreException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.compareAndSet(mine, null);
    }
  }

  /** Fails as {@code attempt} did: each waiter gets an exception of its own, with the message. */
  private static void await(CompletableFuture<Void> attempt) throws OstoreException {
    try {
      attempt.get(Database.MAX_WAIT.toMillis(), MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof OstoreException failed) {
        throw new OstoreException(failed.code(), failed.getMessage());
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, Database.UNAVAILABLE
          + ": its schema is still being migrated after " + Database.MAX_WAIT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "interrupted while waiting for the metadata schema migration");
    }
  }
}
