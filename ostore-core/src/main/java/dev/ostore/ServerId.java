package dev.ostore;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A data server's identity: 128 random bits in 32 lowercase hex digits, made once when its
 * {@code STORAGE_ROOT} is first used and kept there. Unlike its address it follows the disk: a
 * server moved to another address keeps it, and an empty root gets a new one, so whoever sees
 * the id knows which shards can be there.
 */
public record ServerId(String hex) {
  private static final Pattern TEXT = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public ServerId {
    if (hex == null || !TEXT.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a server id (32 lowercase hex digits): " + hex);
    }
  }

  /** Reads the text {@link #toString} writes; anything else is an IllegalArgumentException. */
  public static ServerId parse(String text) {
    return new ServerId(text);
  }

  /** A new id, unlike any other with overwhelming probability. */
  public static ServerId random() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return new ServerId(HexFormat.of().formatHex(bits));
  }

  @Override
  public String toString() {
    return hex;
  }
}
