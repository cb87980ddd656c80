package dev.ostore.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.1 connections, each keeping the raw head (request line and headers) of the
 * request it is parsing. When Jetty refuses a request as malformed it keeps neither the method,
 * nor the target it could not parse, nor the value of a bad header; the kept head lets {@link
 * PlainTextErrorHandler} say what was wrong and log the request like any other. Their responses
 * carry the reason phrases Jetty lacks ({@link ReasonPhraseGenerator}).
 */
final class HeadKeepingConnectionFactory extends HttpConnectionFactory {
  HeadKeepingConnectionFactory(HttpConfiguration config) {
    super(config);
  }

  /** The raw head of {@code request} as it arrived, if its connection kept it. */
  static Optional<String> headOf(Request request) {
    return request.getConnectionMetaData().getConnection() instanceof HttpConnection connection
        && connection.getParser() instanceof HeadKeepingParser parser
        ? Optional.of(parser.head()) : Optional.empty();
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    // As HttpConnectionFactory.newConnection does, with a parser of our own.
    HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
      @Override
      protected HttpParser newHttpParser(HttpCompliance compliance) {
        HttpParser jettys = super.newHttpParser(compliance);
        HttpParser parser = new HeadKeepingParser(
            (HttpParser.RequestHandler) jettys.getHandler(),
            getHttpConfiguration().getRequestHeaderSize(), compliance);
        parser.setHeaderCacheSize(jettys.getHeaderCacheSize());
        parser.setHeaderCacheCaseSensitive(jettys.isHeaderCacheCaseSensitive());
        return parser;
      }

      @Override
      protected HttpGenerator newHttpGenerator() {
        return new ReasonPhraseGenerator();
      }
    };
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  /**
   * Jetty's parser, copying the bytes of each request's head before parsing them: copied before,
   * not after, since a refusal is handed to the error handler while the parser still runs.
   */
  static final class HeadKeepingParser extends HttpParser {
    private final int limit;
    private byte[] head = new byte[512];
    // Written before the parse that may hand a refusal to another thread, read by that thread.
    private volatile int length;

    HeadKeepingParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
      super(handler, maxHeaderBytes, compliance);
      // A little more than Jetty reads, so that the bytes that made it give up are kept too.
      this.limit = maxHeaderBytes + 1024;
    }

    @Override
    public boolean parseNext(ByteBuffer buffer) {
      if (isStart()) {
        length = 0;
      }
      if (inHeaderState()) {
        keep(buffer);
      }
      return super.parseNext(buffer);
    }

    /** The head kept so far, and perhaps the first bytes of the body after it. */
    String head() {
      int kept = length;
      return new String(head, 0, kept, StandardCharsets.ISO_8859_1);
    }

    private void keep(ByteBuffer buffer) {
      int kept = length;
      int n = Math.min(buffer.remaining(), limit - kept);
      if (n <= 0) {
        return;
      }
      if (kept + n > head.length) {
        head = Arrays.copyOf(head, Math.min(limit, Math.max(kept + n, 2 * head.length)));
      }
      buffer.get(buffer.position(), head, kept, n);
      length = kept + n;
    }
  }
}
