package dev.ostore.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.MetaData;

/**
 * Jetty's HTTP/1.1 response generator, with the reason phrases of the statuses ostore answers and
 * Jetty does not know: it writes a status it has no phrase for as its number ({@code HTTP/1.1
 * 460 460}), and its handler API sets no phrase of its own.
 */
final class ReasonPhraseGenerator extends HttpGenerator {
  /** tus' checksum extension names 460 "Checksum Mismatch". */
  private static final Map<Integer, String> PHRASES = Map.of(460, "Checksum Mismatch");

  @Override
  public Result generateResponse(MetaData.Response info, boolean head, ByteBuffer header,
      ByteBuffer chunk, ByteBuffer content, boolean last) throws IOException {
    String phrase = info == null || info.getReason() != null ? null
        : PHRASES.get(info.getStatus());
    return super.generateResponse(phrase == null ? info : new MetaData.Response(
            info.getStatus(), phrase, info.getHttpVersion(), info.getHttpFields(),
            info.getContentLength(), info.getTrailersSupplier()),
        head, header, chunk, content, last);
  }
}
