package dev.ostore.client;

import static java.util.Objects.requireNonNull;

/**
 * What a conditional {@link OstoreClient#put(String, byte[], WriteCondition) put} or {@link
 * OstoreClient#delete(String, WriteCondition) delete} asks of the object as the server finds it
 * when it records the write: that there is none ({@link #ifAbsent()}), or that its latest version
 * still has the content a version read earlier had ({@link #ifUnchangedSince}). When it does not
 * hold, the write records nothing and throws {@link PreconditionFailedException}.
 */
public final class WriteCondition {
  private final String header;
  private final String value;

  private WriteCondition(String header, String value) {
    this.header = header;
    this.value = value;
  }

  /** Only if the name has no live object: it never existed, or its latest version is deleted. */
  public static WriteCondition ifAbsent() {
    return new WriteCondition("If-None-Match", "*");
  }

  /**
   * Only if the name's latest version has the content of {@code seen}, a version of it read
   * before (by {@code put}, {@code head} or a listing): no other write replaced it meanwhile.
   */
  public static WriteCondition ifUnchangedSince(ObjectVersion seen) {
    requireNonNull(seen, "seen");
    if (seen.isDeleted()) {
      throw new IllegalArgumentException("version " + seen.version() + " of " + seen.name()
          + " is a deletion, which has no content: use ifAbsent()");
    }
    return ifContent(seen.hash());
  }

  /** The same, for a version {@link OstoreClient#head} described. */
  public static WriteCondition ifUnchangedSince(ObjectInfo seen) {
    return ifContent(requireNonNull(seen, "seen").hash());
  }

  /**
   * Only if the name's latest version has the content whose SHA-256 is {@code sha256}, in base64
   * as versions give it.
   */
  public static WriteCondition ifContent(String sha256) {
    requireNonNull(sha256, "sha256");
    if (!Sha256.isBase64(sha256)) {
      throw new IllegalArgumentException("not a SHA-256 in base64: " + sha256);
    }
    return new WriteCondition("If-Match", "\"" + sha256 + "\"");
  }

  void applyTo(Exchange exchange) {
    exchange.header(header, value);
  }

  @Override
  public String toString() {
    return header + ": " + value;
  }
}
