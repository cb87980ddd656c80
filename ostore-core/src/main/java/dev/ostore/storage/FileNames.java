package dev.ostore.storage;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.Hashing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns any key into one safe file name: a single path component, never {@code .} or {@code ..}
 * or hidden, portable to any file system, and short enough for all of them. Distinct keys always
 * get distinct names.
 */
final class FileNames {
  /** Longest name used verbatim; longer ones are shortened with a hash of the whole key. */
  static final int MAX_LENGTH = 200;
  private static final int KEPT_PREFIX = 120;
  private static final String HEX_DIGITS = "0123456789ABCDEF";
  private static final char[] HEX = HEX_DIGITS.toCharArray();

  private FileNames() {}

  /**
   * Percent-encodes every byte but {@code A-Z a-z 0-9 - _ .} (and a leading dot). {@code ~} is
   * always encoded, so it can mark a shortened name: {@code <prefix>~<sha256 of the key>}. An
   * empty key or one with an unpaired surrogate is an {@link IllegalArgumentException}.
   */
  static String forKey(String key) {
    checkArgument(!key.isEmpty(), "storage key is empty");
    // UTF-8 would turn an unpaired surrogate into '?', giving two keys one name.
    checkArgument(key.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE),
        "storage key is not valid Unicode");
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder name = new StringBuilder(bytes.length + 16);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || (c == '.' && i > 0);
      if (plain) {
        name.append((char) c);
      } else {
        name.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    if (name.length() <= MAX_LENGTH) {
      return name.toString();
    }
    int cut = KEPT_PREFIX;
    while (cut > 0 && (name.charAt(cut - 1) == '%' || (cut > 1 && name.charAt(cut - 2) == '%'))) {
      cut--;
    }
    return name.substring(0, cut) + "~"
        + Hashing.sha256().hashString(key, StandardCharsets.UTF_8);
  }

  /**
   * The key a file name was made from, or empty when {@link #forKey} makes no such name from any
   * key (a shortened name, or a file someone put there by hand).
   */
  static Optional<String> keyOf(String fileName) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(fileName.length());
    for (int i = 0; i < fileName.length(); i++) {
      char c = fileName.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int hi = i + 2 < fileName.length() ? HEX_DIGITS.indexOf(fileName.charAt(i + 1)) : -1;
      int lo = hi >= 0 ? HEX_DIGITS.indexOf(fileName.charAt(i + 2)) : -1;
      if (lo < 0) {
        return Optional.empty();
      }
      bytes.write(hi << 4 | lo);
      i += 2;
    }
    String key = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    // Only a canonical name maps back: anything else is not one of ours.
    try {
      return forKey(key).equals(fileName) ? Optional.of(key) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
