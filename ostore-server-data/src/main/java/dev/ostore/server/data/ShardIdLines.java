package dev.ostore.server.data;

import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body of shard ids, {@code <hex>.<i>} one a line (a final newline optional, {@code
 * \r\n} taken too), read in bounded memory: a body longer than {@code max} ids can be is refused
 * unread, or as soon as it runs past that, rather than buffered whole.
 */
final class ShardIdLines {
  /** The longest line: 64 hex, a dot, an index of three digits, {@code \r\n}. */
  private static final int MAX_LINE = 64 + 1 + 3 + 2;

  private ShardIdLines() {}

  /** The ids in the body, in order; too many, or a line not an id, is a 400 saying which. */
  static List<ShardId> read(Exchange exchange, int max) throws OstoreException {
    long limit = (long) max * MAX_LINE;
    if (exchange.requestLength().orElse(0) > limit) {
      throw tooMany(max);
    }
    byte[] body;
    try (InputStream in = exchange.requestBody()) {
      body = in.readNBytes(Math.toIntExact(limit + 1));
    } catch (IOException e) {
      throw OstoreException.badRequest("the shard ids broke off: " + e.getMessage());
    }
    if (body.length > limit) {
      throw tooMany(max);
    }
    String text = new String(body, StandardCharsets.US_ASCII);
    String[] lines = text.isEmpty() ? new String[0] : text.split("\r?\n", -1);
    // A final newline leaves one empty string after it, which is no line.
    int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1
        : lines.length;
    if (count > max) {
      throw tooMany(max);
    }
    List<ShardId> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      try {
        ids.add(ShardId.parse(lines[i]));
      } catch (IllegalArgumentException e) {
        throw OstoreException.badRequest("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return ids;
  }

  private static OstoreException tooMany(int max) {
    return OstoreException.badRequest("more than " + max + " shard ids: a request takes at most "
        + max + ", one a line");
  }
}
