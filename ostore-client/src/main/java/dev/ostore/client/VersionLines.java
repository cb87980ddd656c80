package dev.ostore.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Versions as the api server writes them: one JSON object per line, {@code
 * {"Name":"a","Version":1,"Size":20,"Hash":"<base64>","Created":"2026-12-05T04:31:22.123Z"}} with
 * {@code "Hash":""} for a tombstone, in UTF-8, each line ended by a newline. The answer to a PUT
 * or DELETE is one such line, a page of a listing several. Other members are ignored, so the
 * server can add some.
 */
final class VersionLines {
  /**
   * A name is at most 255 bytes, each at most 6 characters escaped: any longer line is not from
   * an ostore server, and reading it whole could take all memory.
   */
  static final int MAX_LINE_BYTES = 8 * 1024;

  private VersionLines() {}

  /** The version one line states; anything else is an {@link IllegalArgumentException}. */
  static ObjectVersion parse(String line) {
    Map<String, Object> members = Json.object(line);
    return new ObjectVersion(string(members, "Name"), integer(members, "Version"),
        integer(members, "Size"), string(members, "Hash"), created(members));
  }

  /**
   * When the version was recorded: {@code Created} in ISO 8601 UTC, as ostore writes it; a server
   * that writes it otherwise, or not at all, does not say, which leaves the version as valid.
   */
  private static Optional<Instant> created(Map<String, Object> members) {
    return members.get("Created") instanceof String created
        ? UtcTimes.iso(created) : Optional.empty();
  }

  /**
   * Reads {@code in} to its end: at most {@code max} lines, each ended by a newline. A body cut
   * inside a line is caught here; one cut between lines only by the transport (the missing last
   * chunk of a chunked answer). A body that breaks these rules is an {@link IOException} naming
   * {@code what} was asked.
   */
  static List<ObjectVersion> read(InputStream in, int max, String what) throws IOException {
    List<ObjectVersion> versions = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] != '\n') {
          line.write(buffer[i]);
          if (line.size() > MAX_LINE_BYTES) {
            throw new IOException(what + ": answer has a line longer than " + MAX_LINE_BYTES
                + " bytes");
          }
          continue;
        }
        if (versions.size() == max) {
          throw new IOException(what + ": answer has more than " + max + " lines");
        }
        versions.add(parse(line.toByteArray(), what));
        line.reset();
      }
    }
    if (line.size() > 0) {
      throw new IOException(what + ": answer ends inside a line, cut short: "
          + new String(line.toByteArray(), StandardCharsets.UTF_8));
    }
    return versions;
  }

  private static ObjectVersion parse(byte[] line, String what) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException(what + ": answer has a line that is not UTF-8", e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(what + ": unexpected answer line: " + e.getMessage(), e);
    }
  }

  private static String string(Map<String, Object> members, String key) {
    if (members.get(key) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException("version line has no string \"" + key + "\": " + members);
  }

  private static long integer(Map<String, Object> members, String key) {
    if (members.get(key) instanceof Long value) {
      return value;
    }
    throw new IllegalArgumentException(
        "version line has no integer \"" + key + "\": " + members);
  }
}
