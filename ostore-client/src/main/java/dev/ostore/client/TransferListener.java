package dev.ostore.client;

/**
 * Told how many object bytes a transfer has moved so far, for progress displays. The client calls
 * it on the thread doing the transfer, after each block of up to 64 KiB of a PUT body or of a GET
 * body read by the caller, so it must be cheap; a listener given to a client shared between
 * threads must be thread-safe. It is not told about HEAD, DELETE, listings or locate, nor about
 * reading a file to compute its digest before an upload.
 */
@FunctionalInterface
public interface TransferListener {
  /**
   * {@code bytes} have moved so far out of {@code size}, which is {@code -1} when unknown (an
   * upload from a stream, or an answer without Content-Length).
   */
  void transferred(long bytes, long size);

  /**
   * A transfer broke ({@code why}) and goes on from {@code bytes} of {@code size} on a new
   * connection: a download from the bytes it had received; a resumable upload from the bytes
   * the server holds, which may be fewer than were sent (the next {@link #transferred} counts
   * on from there), after its connection broke or the server answered 5xx, 409 or 416. Nothing
   * by default.
   */
  default void resumed(long bytes, long size, java.io.IOException why) {}
}
