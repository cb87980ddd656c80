package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An object's bytes on their way to a data server's {@code PUT}. The writer's bytes go through a
 * {@link BoundedPipe} to a transfer task that streams them to the server, so memory stays bounded
 * whatever the size. {@link #close()} ends the body and waits for the server to accept it; {@link
 * #abort(Throwable)} cuts the transfer so the server stores nothing.
 *
 * <p>Every failure of the transfer or the server is an {@link OstoreException} ({@code
 * DATA_SERVER_FAILED}); it reaches the writer at its next write or at close. Not thread-safe: one
 * thread writes.
 */
public final class PutStream extends OutputStream {
  private static final int TRANSFER_BUFFER = 64 * 1024;

  private final HttpCall call;
  private final BoundedPipe pipe;
  private final CompletableFuture<Void> transfer = new CompletableFuture<>();
  private boolean finished;

  private PutStream(HttpCall call, BoundedPipe pipe) {
    this.call = call;
    this.pipe = pipe;
  }

  static PutStream start(HttpCall call, OptionalLong length, BoundedPipe pipe, Executor executor)
      throws IOException {
    call.connection.setDoOutput(true);
    if (length.isPresent()) {
      call.connection.setFixedLengthStreamingMode(length.getAsLong());
    } else {
      call.connection.setChunkedStreamingMode(TRANSFER_BUFFER);
    }
    call.connect();
    PutStream stream = new PutStream(call, pipe);
    try {
      executor.execute(stream::transfer);
    } catch (RejectedExecutionException e) {
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

  @Override
  public String toString() {
    return "PutStream(" + call.server + call.path + ")";
  }

  private void transfer() {
    try (InputStream source = pipe.source()) {
      OutputStream out = call.connection.getOutputStream();
      byte[] buffer = new byte[TRANSFER_BUFFER];
      for (int n; (n = source.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
      }
      // Only a body that reached its end is closed: closing sends the last chunk.
      out.close();
      call.expectOk();
      call.finish();
      transfer.complete(null);
    } catch (IOException | RuntimeException e) {
      OstoreException failure = call.failure(
          e instanceof IOException io ? io : new IOException(e));
      pipe.fail(failure);
      call.abort();
      transfer.completeExceptionally(failure);
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
      throw (OstoreException) e.getCause();
    }
  }

  private OstoreException transferFailure(IOException e) {
    if (e.getCause() instanceof OstoreException failure) {
      return failure;
    }
    return call.failure(e);
  }
}
