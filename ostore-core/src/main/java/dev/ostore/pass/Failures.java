package dev.ostore.pass;

import java.util.ArrayList;
import java.util.List;

/**
 * The failures of a pass in progress: the first {@link #MAX_KEPT} kept for its report, the rest
 * counted only, so that a pass over a broken cluster does not fill the heap. Thread-safe: the
 * pass adds, a status request reads.
 */
public final class Failures {
  public static final int MAX_KEPT = 100;

  private final List<Failure> kept = new ArrayList<>();
  private long count;

  public synchronized void add(Failure failure) {
    count++;
    if (kept.size() < MAX_KEPT) {
      kept.add(failure);
    }
  }

  /** The failures kept, oldest first. */
  public synchronized List<Failure> kept() {
    return List.copyOf(kept);
  }

  /** {@code result}, saying how many failures there were when not all are listed. */
  public synchronized String result(String result) {
    return count > kept.size()
        ? result + " (" + count + " failures, the first " + kept.size() + " listed)"
        : result;
  }
}
