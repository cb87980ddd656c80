package dev.ostore.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The body of a quick answer, collected in memory and sent in one write that waits on nothing: a
 * client that does not read its answers then holds up no thread, where a blocking write would
 * hold the one that reads every connection's requests.
 */
final class QuickBody extends ByteArrayOutputStream {
  /** The longest body a quick answer collects; a longer one streams from a thread that may wait. */
  static final int LIMIT = 256 * 1024;

  private final Response response;
  private final boolean sent;

  /**
   * A body of {@code length} bytes for {@code response}; what is written to it is dropped unless
   * {@code sent}.
   */
  QuickBody(Response response, boolean sent, int length) {
    super(length);
    this.response = response;
    this.sent = sent;
  }

  /** Sends the response with this body, then completes {@code done}. */
  void send(Callback done) {
    response.write(true, sent ? ByteBuffer.wrap(buf, 0, count) : BufferUtil.EMPTY_BUFFER, done);
  }
}
