package dev.ostore.client;

import static java.util.Objects.requireNonNull;

/**
 * An object name checked against the protocol's rules, and its encoding as one URL path segment.
 * A name is 1 to 255 bytes of UTF-8 with no {@code /} and no control character, and is neither
 * {@code .} nor {@code ..}. The api server refuses other names with 400; checking them here gives
 * the caller the reason before any byte is sent.
 *
 * <p>The client keeps its own copy of these rules on purpose: it depends on nothing but the JDK,
 * and the protocol, not shared code, is what pins client and server together.
 */
record ObjectName(String value) {
  static final int MAX_BYTES = 255;

  ObjectName {
    requireNonNull(value, "object name");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("object name is empty");
    }
    int bytes = utf8Length(value);
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "object name is " + bytes + " bytes in UTF-8, more than " + MAX_BYTES);
    }
    if (value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException("object name cannot be '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/') {
        throw new IllegalArgumentException("object name contains '/': " + value);
      }
      // isISOControl covers C0, DEL and C1, the same set the server refuses.
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(String.format(
            "object name contains the control character U+%04X at index %d", (int) c, i));
      }
    }
  }

  /** The name's UTF-8 bytes with every byte outside {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}. */
  String urlSegment() {
    return PercentEncoding.encode(value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static int utf8Length(String value) {
    try {
      return PercentEncoding.utf8(value).remaining();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("object name is not valid Unicode (lone surrogate)", e);
    }
  }
}
