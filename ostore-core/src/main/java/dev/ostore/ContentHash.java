package dev.ostore;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The SHA-256 of an object's bytes, which names its content everywhere in ostore. Inside the
 * system (file names, locate requests, data server paths) it is written in lowercase hex, which is
 * safe in any file name and URL; facing clients ({@code Digest} headers, listings) in standard
 * base64, as the reference system and RFC 9530 write it. {@link #parse} reads either. Hashes
 * sort as their hex does.
 */
public final class ContentHash implements Comparable<ContentHash> {
  private static final int BYTES = 32;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The 32 bytes as four big-endian numbers: 48 bytes of heap where an array and its holder took
   * 64, for every shard a data server holds.
   */
  private final long first;
  private final long second;
  private final long third;
  private final long fourth;

  /** Reads the 32 bytes of {@code bytes}, which it does not keep. */
  private ContentHash(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    this.first = in.getLong();
    this.second = in.getLong();
    this.third = in.getLong();
    this.fourth = in.getLong();
  }

  /** The hash whose 32 bytes are {@code digest}. */
  public static ContentHash of(byte[] digest) {
    checkArgument(digest.length == BYTES, "a SHA-256 is 32 bytes, not %s", digest.length);
    return new ContentHash(digest);
  }

  /** Its 32 bytes, a copy. */
  public byte[] bytes() {
    return ByteBuffer.allocate(BYTES).putLong(first).putLong(second).putLong(third)
        .putLong(fourth).array();
  }

  /** The hash of {@code data}. */
  public static ContentHash sha256(byte[] data) {
    return new ContentHash(newDigest().digest(data));
  }

  /** A fresh SHA-256 digest, to hash a stream as it passes. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Reads 64 hex digits (either case) or 44 characters of standard base64. */
  public static ContentHash parse(String text) {
    checkArgument(text != null, "hash is null");
    try {
      if (text.length() == 2 * BYTES) {
        return new ContentHash(HEX.parseHex(text));
      }
      if (text.length() == 44 && text.endsWith("=")) {
        return of(Base64.getDecoder().decode(text));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a SHA-256 in hex or base64: " + text, e);
    }
    throw new IllegalArgumentException("not a SHA-256 in hex or base64: " + text);
  }

  /** 64 lowercase hex digits: the form used inside the system and on disk. */
  public String hex() {
    return new StringBuilder(2 * BYTES).append(HEX.toHexDigits(first))
        .append(HEX.toHexDigits(second)).append(HEX.toHexDigits(third))
        .append(HEX.toHexDigits(fourth)).toString();
  }

  /** The first byte, 0 to 255: the first two of {@link #hex}'s digits, without the string. */
  public int firstByte() {
    return prefix(8);
  }

  /** The first {@code bits} bits (1 to 31) as a number: {@link #firstByte} is {@code prefix(8)}. */
  public int prefix(int bits) {
    if (bits < 1 || bits > 31) {
      throw new IllegalArgumentException("a prefix has 1 to 31 bits, not " + bits);
    }
    return (int) (first >>> (64 - bits));
  }

  /** Standard base64 with padding: the form of {@code Digest} headers and listings. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes());
  }

  @Override
  public boolean equals(Object other) {
    // Every bit looked at, whatever differs first, as MessageDigest.isEqual does.
    return other instanceof ContentHash hash && ((first ^ hash.first) | (second ^ hash.second)
        | (third ^ hash.third) | (fourth ^ hash.fourth)) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(first ^ second ^ third ^ fourth);
  }

  @Override
  public String toString() {
    return hex();
  }

  /** The order of {@link #hex}, without making the strings: eight bytes at a time, unsigned. */
  @Override
  public int compareTo(ContentHash other) {
    int order = Long.compareUnsigned(first, other.first);
    if (order == 0) {
      order = Long.compareUnsigned(second, other.second);
    }
    if (order == 0) {
      order = Long.compareUnsigned(third, other.third);
    }
    return order != 0 ? order : Long.compareUnsigned(fourth, other.fourth);
  }

  /**
   * This hash, if it is the one a client {@code declared} (or it declared none); a {@code
   * BAD_REQUEST} naming both otherwise.
   */
  public ContentHash checkDeclared(Optional<ContentHash> declared) throws OstoreException {
    if (declared.isPresent() && !declared.get().equals(this)) {
      throw OstoreException.badRequest("the body's SHA-256 is " + base64() + ", not the "
          + declared.get().base64() + " its digest header declares");
    }
    return this;
  }
}
