package dev.ostore.bus;

/**
 * A live subscription on a {@link MessageBus}: messages keep reaching its handler until it is
 * closed. Closing is idempotent and never throws.
 */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
