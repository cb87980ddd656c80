package dev.ostore.metadata;

/**
 * Learns when the metadata database stops answering and when it answers again: once each per
 * outage, as the log tells them. Runs on the thread of the call that found out, so it must be
 * quick and must not block.
 */
public interface OutageListener {
  /** The database stopped answering: calls fail with {@code METADATA_UNAVAILABLE}. */
  void began();

  /** The database answers again. */
  void ended();
}
