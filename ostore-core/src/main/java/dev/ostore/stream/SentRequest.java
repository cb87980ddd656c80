package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import java.io.IOException;
import java.util.Map;

/**
 * A request whose whole body, of known length, left on a kept-alive connection in one piece with
 * its head, before its answer is read: a caller sends to several servers, then reads their
 * answers, and the servers work at once with no thread of ours per request. {@link #answer()}
 * reads the short answer. A request that gets no answer at all (one on a kept connection that
 * the server has closed since, say) is sent once more on a fresh connection; so a request must
 * be one that may arrive twice. Not thread-safe.
 */
public final class SentRequest {
  private final KeptConnections connections;
  private final ServerAddress server;
  private final String method;
  private final String path;
  /** The request's head and body, as sent. */
  private final byte[] request;
  private KeptConnection connection;
  /** Whether it got no answer yet because sending failed: it is then sent once more. */
  private boolean resend;

  private SentRequest(KeptConnections connections, ServerAddress server, String method,
      String path, byte[] request) {
    this.connections = connections;
    this.server = server;
    this.method = method;
    this.path = path;
    this.request = request;
  }

  /**
   * Sends the request at once, on an idle connection to {@code server} if there is one. A
   * server that cannot be reached fails here.
   */
  static SentRequest send(KeptConnections connections, ServerAddress server, String method,
      String path, Map<String, String> headers, byte[] body) throws IOException {
    SentRequest sent = new SentRequest(connections, server, method, path,
        KeptConnection.request(server, method, path, headers, body));
    KeptConnection connection = connections.idle(server);
    try {
      if (connection == null) {
        connection = connections.fresh(server);
      }
      connection.write(sent.request);
      sent.connection = connection;
    } catch (IOException e) {
      if (connection != null) {
        connection.close();
      }
      OstoreException failure = HttpCall.failure(server, e);
      if (failure.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
        throw failure;
      }
      sent.resend = true;
    }
    return sent;
  }

  /**
   * Waits for the server's answer and returns it (its text at most 1 KiB); fails as {@link
   * Transfers#call} does.
   */
  public Answer answer() throws IOException {
    if (connection != null) {
      KeptConnection sentOn = connection;
      connection = null;
      try {
        return answerOn(sentOn);
      } catch (KeptConnection.NoAnswer e) {
        resend = true; // on a kept connection the server closed since, say
      }
    }
    if (!resend) {
      throw new IllegalStateException("answered already");
    }
    resend = false;
    KeptConnection fresh;
    try {
      fresh = connections.fresh(server);
    } catch (IOException e) {
      throw HttpCall.failure(server, e);
    }
    try {
      fresh.write(request);
      return answerOn(fresh);
    } catch (IOException e) {
      fresh.close();
      throw HttpCall.failure(server, e);
    }
  }

  /**
   * Reads the answer on {@code sentOn}, then gives the connection back or closes it. A {@link
   * KeptConnection.NoAnswer} is thrown as is, every other failure as an {@link OstoreException}.
   */
  private Answer answerOn(KeptConnection sentOn) throws IOException {
    KeptConnection.Response response;
    try {
      response = sentOn.read(Transfers.MAX_ANSWER);
    } catch (IOException e) {
      sentOn.close();
      throw e instanceof KeptConnection.NoAnswer ? e : HttpCall.failure(server, e);
    }
    if (response.reusable()) {
      connections.release(sentOn);
    } else {
      sentOn.close();
    }
    if (response.status() / 100 == 2) {
      return new Answer(response.status(), new String(response.text(), UTF_8));
    }
    throw HttpCall.answered(server, method, path, response.status(),
        HttpCall.firstLine(response.text()));
  }
}
