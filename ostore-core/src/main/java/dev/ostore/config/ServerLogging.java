package dev.ostore.config;

/**
 * The log format of ostore's servers: one line per record, time first. Call it first thing in
 * {@code main}, before anything logs; a format the operator set already is kept.
 */
public final class ServerLogging {
  private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
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
}
