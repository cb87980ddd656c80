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
 * What one class logs, as an operator would read it, debug lines included: {@code
 * System.Logger} writes through {@code java.util.logging}, where this listens. Closing stops
 * listening and restores the logger's level.
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

  private LogCapture(Class<?> source) {
    // Held in a field: java.util.logging keeps loggers weakly, with the level set on them.
    logger = Logger.getLogger(source.getName());
    level = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  /** Starts capturing what {@code source} logs. */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source);
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
