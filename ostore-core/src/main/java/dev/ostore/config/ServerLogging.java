package dev.ostore.config;

import java.util.logging.LogManager;

/**
 * The log format of ostore's servers: one line per record, time first. Call it first thing in
 * {@code main}, before anything logs; a format or log manager the operator set already is kept.
 */
public final class ServerLogging {
  private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
  private static final String MANAGER_PROPERTY = "java.util.logging.manager";

  static {
    // Before anything below makes java.util.logging choose its manager.
    if (System.getProperty(MANAGER_PROPERTY) == null) {
      System.setProperty(MANAGER_PROPERTY, KeptOpen.class.getName());
    }
  }

  /** Held so the level set on it is not lost to garbage collection. */
  private static final java.util.logging.Logger JETTY =
      java.util.logging.Logger.getLogger("org.eclipse.jetty");

  private ServerLogging() {}

  public static void install() {
    if (System.getProperty(FORMAT_PROPERTY) == null) {
      System.setProperty(FORMAT_PROPERTY, "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
    }
    // Jetty's start-up banner says nothing ostore's own start-up line does not.
    JETTY.setLevel(java.util.logging.Level.WARNING);
  }

  /**
   * The JDK's log manager, but for one thing: it stays open while the JVM shuts down. The JDK's
   * own closes every handler from a shutdown hook that races the servers' hooks, so a server
   * stopped by SIGTERM could not say that it stopped. The console handler flushes each record,
   * so nothing is lost by leaving it open.
   */
  public static final class KeptOpen extends LogManager {
    public KeptOpen() {}

    @Override
    public void reset() {
      if (!shuttingDown()) {
        super.reset();
      }
    }

    private static boolean shuttingDown() {
      Thread probe = new Thread(() -> {});
      try {
        Runtime.getRuntime().addShutdownHook(probe);
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
      } catch (IllegalStateException e) {
        return true; // "Shutdown in progress"
      }
    }
  }
}
