package dev.ostore;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one class logs, as an operator would read it, debug lines included, or what a tree of
 * loggers logs at the levels set: {@code System.Logger} writes through {@code
 * java.util.logging}, where this listens. Closing stops listening and restores the logger's level.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture(String name, boolean everyLevel) {
    // Held in a field: java.util.logging keeps loggers weakly, with the level set on them.
    logger = Logger.getLogger(name);
    level = logger.getLevel();
    if (everyLevel) {
      logger.setLevel(Level.ALL);
    }
    logger.addHandler(handler);
  }

  /** Starts capturing what {@code source} logs. */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source.getName(), true);
  }

  /**
   * Starts capturing what the loggers named {@code name} and below it log, at the levels they
   * have (INFO by default): what the server's log file gets.
   */
  public static LogCapture of(String name) {
    return new LogCapture(name, false);
  }

  /** Every record captured so far, with its level and exception. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** The records whose message contains {@code text}. */
  public List<LogRecord> containing(String text) {
    return records.stream().filter(r -> r.getMessage() != null && r.getMessage().contains(text))
        .toList();
  }

  /** The lines logged at {@code level} (exactly) that contain {@code text}. */
  public List<String> lines(Level level, String text) {
    return records.stream()
        .filter(r -> r.getLevel().equals(level) && r.getMessage().contains(text))
        .map(LogRecord::getMessage)
        .toList();
  }

  /** Every line captured so far at {@code level} or above. */
  public List<String> linesFrom(Level level) {
    return records.stream()
        .filter(r -> r.getLevel().intValue() >= level.intValue())
        .map(r -> r.getLevel() + " " + r.getMessage())
        .toList();
  }

  /** Waits for {@code count} lines at {@code level} with {@code text}, at most {@code within}. */
  public List<String> await(Level level, String text, int count, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (lines(level, text).size() < count) {
      if (System.nanoTime() > deadline) {
        fail("no " + count + " " + level + " lines with \"" + text + "\" within " + within
            + "; logged: " + linesFrom(Level.ALL));
      }
      Thread.sleep(20);
    }
    return lines(level, text);
  }

  /** Forgets what was captured so far. */
  public void clear() {
    records.clear();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(level);
  }
}
