package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;

/**
 * A request whose whole body, of known length, left on a kept-alive connection as one piece,
 * before its answer is read: a caller sends to several servers, then reads their answers, and
 * the servers work at once with no thread of ours per request. {@link #answer()} reads the
 * short answer. A request that fails before any answer came, as one on a pooled connection the
 * server has closed since does, is sent once more, and then on a fresh connection; so a request
 * must be one that may arrive twice. Not thread-safe.
 */
public final class SentRequest {
  private final Transfers.Opener opener;
  private final byte[] body;
  private HttpCall call;
  /** Why sending failed, when it did; the answer is then asked for with a second attempt. */
  private OstoreException unsent;

  private SentRequest(Transfers.Opener opener, byte[] body) {
    this.opener = opener;
    this.body = body;
  }

  /**
   * Sends the request at once, in fixed-length streaming mode so that nothing waits for the
   * answer. A server that cannot be reached fails here.
   */
  static SentRequest send(Transfers.Opener opener, byte[] body) throws IOException {
    SentRequest request = new SentRequest(opener, body);
    HttpCall call = opener.open();
    call.connection.setFixedLengthStreamingMode(body.length);
    try {
      write(call, body);
      request.call = call;
    } catch (OstoreException failure) {
      if (failure.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
        throw failure;
      }
      request.unsent = failure;
    }
    return request;
  }

  /**
   * Waits for the server's answer and returns it (its text at most 1 KiB); fails as {@link
   * Transfers#call} does.
   */
  public Answer answer() throws IOException {
    if (call != null) {
      try {
        return Transfers.answerOf(call);
      } catch (OstoreException e) {
        if (!beforeAnyAnswer(e)) {
          throw e;
        }
        unsent = e;
      } finally {
        call = null;
      }
    }
    if (unsent == null) {
      throw new IllegalStateException("answered already");
    }
    return again();
  }

  /**
   * Sends the request once more, buffered: the JDK then sends it again on a new connection
   * when the pooled one it took fails before an answer, as it does not for a streamed body.
   */
  private Answer again() throws IOException {
    unsent = null;
    HttpCall retry = opener.open();
    write(retry, body);
    return Transfers.answerOf(retry);
  }

  /** Sends {@code body} on {@code call}; a failure aborts the call and says what it was. */
  static void write(HttpCall call, byte[] body) throws OstoreException {
    call.connection.setDoOutput(true);
    try (OutputStream out = call.connection.getOutputStream()) {
      out.write(body);
    } catch (IOException e) {
      call.abort();
      throw call.failure(e);
    }
  }

  /** A failure of the connection rather than an answer, and not a server too slow to answer. */
  private static boolean beforeAnyAnswer(OstoreException e) {
    return e.code() == ErrorCode.DATA_SERVER_FAILED && e.getCause() instanceof IOException cause
        && !(cause instanceof SocketTimeoutException) && !(cause instanceof OstoreException);
  }
}
