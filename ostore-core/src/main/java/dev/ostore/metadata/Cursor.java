package dev.ostore.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a listing stopped: the name and number of the last version of a page. The next page
 * starts strictly after it (keyset pagination), so versions added meanwhile neither shift nor
 * repeat rows. On the wire it is the URL-safe base64 of {@code "<number>:<name>"}, opaque to
 * callers but safe in a query string.
 */
record Cursor(String name, long number) implements Comparable<Cursor> {
  static Cursor after(Version version) {
    return new Cursor(version.name(), version.number());
  }

  /**
   * Where a listing of the names starting with {@code prefix} resumes: after the cursor {@code
   * after}, or just before the first version of {@code prefix} (number 0) if that is later. One
   * lower bound, rather than a prefix bound and a cursor bound, lets the database seek straight
   * to it: SQLite, given both, seeks to the prefix and filters every row up to the cursor.
   */
  static Cursor resume(String prefix, Optional<String> after) {
    Cursor first = new Cursor(prefix, 0);
    if (after.isEmpty()) {
      return first;
    }
    Cursor cursor = decode(after.get());
    return cursor.compareTo(first) > 0 ? cursor : first;
  }

  /** The order of listings: names by the bytes of their UTF-8, then numbers. */
  @Override
  public int compareTo(Cursor other) {
    int byName = Arrays.compareUnsigned(name.getBytes(UTF_8), other.name.getBytes(UTF_8));
    return byName != 0 ? byName : Long.compare(number, other.number);
  }

  String encode() {
    byte[] text = (number + ":" + name).getBytes(UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text);
  }

  static Cursor decode(String cursor) {
    String text;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(cursor);
      text = UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw bad(cursor);
    }
    int colon = text.indexOf(':');
    if (colon < 1 || colon == text.length() - 1) {
      throw bad(cursor);
    }
    long number;
    try {
      number = Long.parseLong(text.substring(0, colon));
    } catch (NumberFormatException e) {
      throw bad(cursor);
    }
    if (number < 1 || !text.substring(0, colon).equals(Long.toString(number))) {
      throw bad(cursor);
    }
    return new Cursor(text.substring(colon + 1), number);
  }

  private static IllegalArgumentException bad(String cursor) {
    return new IllegalArgumentException("bad cursor: " + cursor);
  }
}
