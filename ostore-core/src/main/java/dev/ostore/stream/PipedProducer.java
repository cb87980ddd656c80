package dev.ostore.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Bytes that a task writes on another thread, read as they come through a bounded pipe: the
 * writer runs ahead of the reader by at most the pipe's capacity, and a reader that closes early
 * makes the writer's next write fail, so the task ends.
 */
public final class PipedProducer {
  private PipedProducer() {}

  /** What writes the bytes; its failure reaches the reader. */
  @FunctionalInterface
  public interface Producer {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Runs {@code producer} on {@code executor} into a pipe of {@code capacity} bytes and returns
   * the pipe's reading end; the stream ends when the producer returns, and fails with its
   * failure. The producer runs even when the reader has closed the stream before it starts.
   */
  public static InputStream start(Executor executor, int capacity, Producer producer) {
    BoundedPipe pipe = new BoundedPipe(capacity);
    Runnable task = () -> {
      try {
        producer.writeTo(pipe.sink());
        pipe.sink().close(); // the clean end, only once every byte is written
      } catch (IOException | RuntimeException e) {
        pipe.fail(e);
      } catch (Error e) {
        pipe.fail(e);
        throw e;
      }
    };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      pipe.fail(e);
      task.run(); // on this thread: its writes fail at once, and it cleans up after itself
    }
    return pipe.source();
  }
}
