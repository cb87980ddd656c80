package dev.ostore.server.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Passes bytes through, stopping once at {@code pauseAt} until told to go on: an upload held at
 * a known point while a test kills a server under it.
 */
final class PausingStream extends FilterInputStream {
  private final long pauseAt;
  private final CountDownLatch paused;
  private final CountDownLatch resume;
  private long passed;

  /** Counts {@code paused} down on reaching {@code pauseAt}, then waits for {@code resume}. */
  PausingStream(InputStream in, long pauseAt, CountDownLatch paused, CountDownLatch resume) {
    super(in);
    this.pauseAt = pauseAt;
    this.paused = paused;
    this.resume = resume;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (passed >= pauseAt && paused.getCount() > 0) {
      paused.countDown();
      try {
        if (!resume.await(60, TimeUnit.SECONDS)) {
          throw new IOException("never told to go on");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    // Stops short of pauseAt, so that the pause comes there, not a buffer later.
    int n = super.read(b, off, passed < pauseAt ? (int) Math.min(len, pauseAt - passed) : len);
    passed += Math.max(n, 0);
    return n;
  }
}
