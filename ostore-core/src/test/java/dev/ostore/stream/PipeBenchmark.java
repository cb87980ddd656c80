package dev.ostore.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compares {@link BoundedPipe} with {@link java.io.PipedInputStream}/{@link
 * java.io.PipedOutputStream} wrapped so that their known traps do not show ({@link TrapFreePiped}):
 * throughput of a 256 MiB stream written in 64 KiB writes and read in 64 KiB reads by another
 * thread, and the round-trip wake-up latency of a one-byte write. Not a test: surefire never runs
 * it (the name does not end in {@code Test}); the JMH annotation processor on the test classpath
 * generates its harness at test compilation.
 *
 * <p>How to run, from the repository root:
 *
 * <pre>{@code
 * mvn -q -pl ostore-core test-compile
 * mvn -q -pl ostore-core dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/ostore-core.cp
 * CP=ostore-core/target/test-classes:ostore-core/target/classes:$(cat /tmp/ostore-core.cp)
 * # Throughput, MiB/s = ops/s * 256:
 * java -cp "$CP" org.openjdk.jmh.Main 'PipeBenchmark.stream' -f 2 -wi 3 -w 2s -i 5 -r 2s
 * # Wake-up latency of the trap-free pipes (p50/p99 in microseconds, per round trip):
 * java -cp "$CP" org.openjdk.jmh.Main 'PipeBenchmark.pingPong' -p impl=BOUNDED,PIPED \
 *     -f 2 -wi 3 -w 2s -i 5 -r 2s
 * # The one-second trap itself, raw Piped* streams with no flush (slow: seconds per sample):
 * java -cp "$CP" org.openjdk.jmh.Main 'PipeBenchmark.pingPong' -p impl=PIPED_RAW \
 *     -f 1 -wi 0 -i 3 -r 10s
 * }</pre>
 *
 * <p>On a two-core machine the writer, the reader and the JIT compete for the cores: use medians
 * over forks and compare implementations within one run, never across runs.
 */
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipeBenchmark {
  static final int CHUNK = 64 * 1024;
  static final long STREAM_BYTES = 256L * 1024 * 1024;

  /** One pipe between a writing and a reading thread, however it is built. */
  interface Pipe {
    OutputStream sink();

    InputStream source();
  }

  /** The pipes under comparison. */
  public enum Impl {
    /** ostore's own ring buffer. */
    BOUNDED,
    /** Piped* streams with a capacity-sized buffer, a flush after every write, and so on. */
    PIPED,
    /** Piped* streams as most code uses them: 1 KiB buffer, no flush. Latency only. */
    PIPED_RAW;

    Pipe newPipe(int capacity) throws IOException {
      return switch (this) {
        case BOUNDED -> {
          BoundedPipe pipe = new BoundedPipe(capacity);
          yield new Pipe() {
            @Override
            public OutputStream sink() {
              return pipe.sink();
            }

            @Override
            public InputStream source() {
              return pipe.source();
            }
          };
        }
        case PIPED -> new TrapFreePiped(capacity);
        case PIPED_RAW -> {
          PipedOutputStream out = new PipedOutputStream();
          PipedInputStream in = new PipedInputStream(out);
          yield new Pipe() {
            @Override
            public OutputStream sink() {
              return out;
            }

            @Override
            public InputStream source() {
              return in;
            }
          };
        }
      };
    }
  }

  /**
   * The alternative to {@link BoundedPipe} that was turned down: {@code java.io.Piped*} with the
   * traps covered. The buffer has the requested size instead of 1 KiB; every write is flushed,
   * because the reader is otherwise woken only by a full buffer or its own {@code wait(1000)};
   * a failure is carried beside the pipe, because {@code PipedInputStream} notices a dead writer
   * only by its thread's liveness and loses the cause; and closing the reading end wakes a blocked
   * writer, which the JDK leaves to the writer's next one-second poll.
   *
   * <p>Only as correct as this measurement needs: one writer, one reader, {@code fail} is called
   * by the writer. After the reader closes, a writer blocked on a full buffer wakes at once but may
   * copy one more buffer's worth before its write fails.
   */
  static final class TrapFreePiped implements Pipe {
    private final PipedOutputStream out = new PipedOutputStream();
    private final PipedInputStream in;
    private volatile Throwable failure;
    private volatile boolean readerClosed;

    private final OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        checkWritable();
        out.write(bytes, offset, length);
        out.flush(); // Wakes the reader now rather than at its next one-second poll.
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };

    private final InputStream source = new InputStream() {
      @Override
      public int read() throws IOException {
        int b = in.read();
        return b == -1 ? endOfStream() : b;
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        int n = in.read(bytes, offset, length);
        return n == -1 ? endOfStream() : n;
      }

      @Override
      public void close() throws IOException {
        readerClosed = true;
        in.close();
        synchronized (in) {
          in.notifyAll(); // A writer waiting for space would otherwise sleep up to a second.
        }
      }
    };

    TrapFreePiped(int capacity) throws IOException {
      in = new PipedInputStream(out, capacity);
    }

    @Override
    public OutputStream sink() {
      return sink;
    }

    @Override
    public InputStream source() {
      return source;
    }

    /** Called by the writer: the reader's next read at the end of the data throws with cause. */
    void fail(Throwable cause) throws IOException {
      failure = cause;
      out.close(); // Wakes the reader, which then finds the failure instead of a clean end.
    }

    private int endOfStream() throws IOException {
      Throwable cause = failure;
      if (cause != null) {
        throw new IOException("pipe broken: " + cause, cause);
      }
      return -1;
    }

    private void checkWritable() throws IOException {
      if (failure != null) {
        throw new IOException("pipe broken: " + failure, failure);
      }
      if (readerClosed) {
        throw new IOException("pipe reader has gone");
      }
    }
  }

  /** A writer thread and the data it writes; each operation gets a fresh pipe. */
  @State(Scope.Thread)
  public static class StreamState {
    @Param({"BOUNDED", "PIPED"})
    public Impl impl;

    @Param({"65536", "262144", "1048576"})
    public int capacity;

    final byte[] chunk = new byte[CHUNK];
    final byte[] readBuffer = new byte[CHUNK];
    ExecutorService writer;

    @Setup(Level.Trial)
    public void setUp() {
      new Random(0).nextBytes(chunk);
      writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "pipe-writer");
        thread.setDaemon(true);
        return thread;
      });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      writer.shutdownNow();
    }
  }

  /**
   * Moves {@link #STREAM_BYTES} from the writer thread to this thread through one new pipe.
   * Throughput in MiB/s is the score (ops/s) times 256.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long stream(StreamState state) throws Exception {
    Pipe pipe = state.impl.newPipe(state.capacity);
    byte[] chunk = state.chunk;
    Future<Void> written = state.writer.submit(() -> {
      try (OutputStream sink = pipe.sink()) {
        for (long sent = 0; sent < STREAM_BYTES; sent += chunk.length) {
          sink.write(chunk, 0, chunk.length);
        }
      }
      return null;
    });
    long received = 0;
    try (InputStream source = pipe.source()) {
      for (int n; (n = source.read(state.readBuffer)) != -1; ) {
        received += n;
      }
    }
    written.get();
    if (received != STREAM_BYTES) {
      throw new IllegalStateException("received " + received + " of " + STREAM_BYTES);
    }
    return received;
  }

  /**
   * Two pipes and an echo thread: whatever arrives on {@code there} goes back on {@code back}. A
   * fresh pair per iteration, so no {@code Piped*} stream outlives the threads it recorded.
   */
  @State(Scope.Thread)
  public static class PingPongState {
    @Param({"BOUNDED", "PIPED", "PIPED_RAW"})
    public Impl impl;

    final byte[] ping = {42};
    final byte[] pong = new byte[1];
    Pipe there;
    Pipe back;
    Thread echo;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
      there = impl.newPipe(CHUNK);
      back = impl.newPipe(CHUNK);
      echo = new Thread(() -> {
        byte[] one = new byte[1];
        try (InputStream in = there.source(); OutputStream out = back.sink()) {
          while (in.read(one, 0, 1) == 1) {
            out.write(one, 0, 1);
          }
        } catch (IOException e) {
          throw new IllegalStateException("echo failed", e);
        }
      }, "pipe-echo");
      echo.setDaemon(true);
      echo.start();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException, InterruptedException {
      there.sink().close();
      echo.join();
      back.source().close();
    }
  }

  /**
   * One byte there and back: two wake-ups of a thread blocked in {@code read}, so one wake-up is
   * about half the score.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int pingPong(PingPongState state) throws IOException {
    state.there.sink().write(state.ping, 0, 1);
    if (state.back.source().read(state.pong, 0, 1) != 1) {
      throw new IllegalStateException("echo ended early");
    }
    return state.pong[0];
  }
}
