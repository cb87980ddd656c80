package dev.ostore.server.api;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How much a {@link LocalCluster} says through java.util.logging, where {@code System.Logger}
 * writes unless the application chose another backend: warnings only, unless asked for more, so
 * that an application's tests are not drowned in ostore's start-up lines. A level the
 * application configured for {@code dev.ostore} is left alone.
 */
final class ClusterLogs {
  /** Held so that the level set on it is not lost to garbage collection. */
  private static final Logger OSTORE = Logger.getLogger("dev.ostore");
  private static boolean quieted;

  private ClusterLogs() {}

  static synchronized void verbose(boolean verbose) {
    if (!verbose && OSTORE.getLevel() == null) {
      OSTORE.setLevel(Level.WARNING);
      quieted = true;
    } else if (verbose && quieted) {
      OSTORE.setLevel(null);
      quieted = false;
    }
  }
}
