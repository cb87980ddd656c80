package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An object's bytes on their way to a data server's {@code PUT}. The writer's bytes go through a
 * {@link BoundedPipe} to a transfer task that streams them to the server, so memory stays bounded
 * whatever the size. {@link #close()} ends the body and waits for the server to accept it; {@link
 * #abort(Throwable)} cuts the transfer so the server stores nothing.
 *
 * <p>Every failure of the transfer or the server is an {@link OstoreException} ({@code
 * DATA_SERVER_FAILED}); it reaches the writer at its next write or at close. A server that takes
 * no data for the read timeout fails the transfer too, as a watch on the scheduler given finds by
 * the clock given. Not thread-safe: one thread writes.
 */
public final class PutStream extends OutputStream {
  private static final int TRANSFER_BUFFER = 64 * 1024;

  private final HttpCall call;
  private final BoundedPipe pipe;
  private final InstantSource clock;
  private final long stallMillis;
  private final CompletableFuture<Void> transfer = new CompletableFuture<>();
  private volatile ScheduledFuture<?> watchdog;
  private boolean finished;
  // Written by the transfer, read by watch(): whether and since when it is writing to the server.
  private volatile long writeStartedMillis;
  private volatile boolean writing;
  private volatile boolean stalled;

  private PutStream(HttpCall call, BoundedPipe pipe, InstantSource clock) {
    this.call = call;
    this.pipe = pipe;
    this.clock = clock;
    this.stallMillis = call.connection.getReadTimeout();
  }

  /**
   * Connects and starts the transfer on {@code executor}; the stall watch runs on {@code
   * watchdog}, every read timeout by {@code clock}.
   */
  static PutStream start(HttpCall call, OptionalLong length, BoundedPipe pipe, Executor executor,
      ScheduledExecutorService watchdog, InstantSource clock) throws IOException {
    call.connection.setDoOutput(true);
    // A fresh connection per upload: a pooled one to a server that died since would fail only
    // once body bytes were in flight, too late to try another server. A refused connect here
    // is DATA_SERVER_UNREACHABLE while nothing has been sent.
    call.connection.setRequestProperty("Connection", "close");
    if (length.isPresent()) {
      call.connection.setFixedLengthStreamingMode(length.getAsLong());
    } else {
      call.connection.setChunkedStreamingMode(TRANSFER_BUFFER);
    }
    call.connect();
    PutStream stream = new PutStream(call, pipe, clock);
    try {
      if (stream.stallMillis > 0) {
        stream.watchdog = watchdog.scheduleWithFixedDelay(
            stream::watch, stream.stallMillis, stream.stallMillis, TimeUnit.MILLISECONDS);
      }
      executor.execute(stream::transfer);
    } catch (RejectedExecutionException e) {
      stream.stopWatching();
      call.abort();
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "no thread for the upload", e);
    }
    return stream;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (finished) {
      throw new IOException("stream is closed");
    }
    try {
      pipe.sink().write(bytes, offset, length);
    } catch (IOException e) {
      throw transferFailure(e);
    }
  }

  /** Ends the body and waits until the data server has stored it. Idempotent. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    pipe.sink().close();
    awaitTransfer();
  }

  /**
   * Gives up: the transfer is cut before its end, so the data server discards what it got.
   * Returns once the connection is closed. Idempotent; a later {@link #close()} does nothing.
   */
  public void abort(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    pipe.fail(cause);
    try {
      awaitTransfer();
    } catch (IOException expected) {
      // The transfer fails because we broke its pipe; that is the point.
    }
  }

  /**
   * A header of the server's successful answer, once {@link #close()} returned: what it says of
   * what it stored.
   */
  public Optional<String> answerHeader(String name) {
    if (!transfer.isDone() || transfer.isCompletedExceptionally()) {
      throw new IllegalStateException("no answer from " + this);
    }
    return Optional.ofNullable(call.connection.getHeaderField(name));
  }

  /** The status of the server's successful answer, once {@link #close()} returned. */
  public int answerStatus() {
    if (!transfer.isDone() || transfer.isCompletedExceptionally()) {
      throw new IllegalStateException("no answer from " + this);
    }
    try {
      return call.connection.getResponseCode(); // read already: no wait, no failure
    } catch (IOException e) {
      throw new IllegalStateException("no answer from " + this, e);
    }
  }

  @Override
  public String toString() {
    return "PutStream(" + call.server + call.path + ")";
  }

  private void transfer() {
    // The source is never closed: that would wake a blocked writer with "reader has gone" before
    // pipe.fail() below tells it why the transfer failed. After a clean end the sink is closed.
    InputStream source = pipe.source();
    try {
      OutputStream out = call.connection.getOutputStream();
      byte[] buffer = new byte[TRANSFER_BUFFER];
      for (int n; (n = source.read(buffer)) != -1; ) {
        writing(true);
        out.write(buffer, 0, n);
        writing(false);
      }
      // Only a body that reached its end is closed: closing sends the last chunk.
      writing(true);
      out.close();
      writing(false);
      call.expectOk();
      call.finish();
      stopWatching();
      transfer.complete(null);
    } catch (IOException | RuntimeException e) {
      stopWatching();
      OstoreException failure = stalled
          ? new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server " + call.server
              + " took no data of " + call.path + " for " + stallMillis + " ms", e)
          : call.failure(e instanceof IOException io ? io : new IOException(e));
      pipe.fail(failure);
      call.abort();
      transfer.completeExceptionally(failure);
    }
  }

  private void writing(boolean now) {
    if (now) {
      writeStartedMillis = clock.millis();
    }
    writing = now;
  }

  /**
   * A socket write has no timeout, so a data server that stops reading the body would block the
   * transfer, and the writer behind the full pipe, for good. Once per read timeout this checks
   * the transfer and cuts the connection under a write that has not moved for a whole one.
   */
  private void watch() {
    if (writing && clock.millis() - writeStartedMillis >= stallMillis) {
      stalled = true;
      stopWatching();
      call.abort();
    }
  }

  /** Cancels the watch, which then no longer holds this stream (and its pipe) in memory. */
  private void stopWatching() {
    ScheduledFuture<?> scheduled = watchdog;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  private void awaitTransfer() throws IOException {
    try {
      transfer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pipe.fail(e);
      throw new InterruptedIOException("interrupted while waiting for " + this);
    } catch (ExecutionException e) {
      // A fresh exception each time: a write may already have thrown the transfer's own, and
      // try-with-resources cannot add an exception to itself as suppressed.
      OstoreException failure = (OstoreException) e.getCause();
      throw new OstoreException(failure.code(), failure.getMessage(), failure);
    }
  }

  private OstoreException transferFailure(IOException e) {
    if (e.getCause() instanceof OstoreException failure) {
      return failure;
    }
    return call.failure(e);
  }
}
