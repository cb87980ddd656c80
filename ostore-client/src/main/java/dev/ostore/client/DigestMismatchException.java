package dev.ostore.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bytes at one end of a transfer do not have the SHA-256 the other end stated: either a
 * download whose bytes differ from the {@code Digest} the server sent with them, or an upload of
 * unknown length whose bytes, as the server recorded them, differ from the bytes the client sent.
 * It is not an error answer (the server said 200), so it is a plain {@link IOException}.
 *
 * <p>After an upload the server has recorded the new version anyway: {@link #recorded()} names
 * it, and the caller should store the bytes again (a new version that overwrites it as the
 * latest) or {@link OstoreClient#delete delete} the object. The bad version stays readable by its
 * number either way.
 */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;
  /** Transient: records are not serializable; a deserialized exception just lacks it. */
  private final transient ObjectVersion recorded;

  private DigestMismatchException(String message, String expected, String actual,
      ObjectVersion recorded) {
    super(message);
    this.expected = expected;
    this.actual = actual;
    this.recorded = recorded;
  }

  /** The bytes of a download, {@code actual}, differ from those the server declared. */
  static DigestMismatchException download(String what, String declared, String actual) {
    return new DigestMismatchException(what + ": the bytes received have SHA-256 " + actual
        + ", not the " + declared + " the server declared: they are corrupt", declared, actual,
        null);
  }

  /**
   * {@code file}'s first {@code kept} bytes with the rest of the object appended did not make the
   * object ({@code mismatch}): those bytes were not its start, and the file is cut back to them.
   */
  static DigestMismatchException resumed(String what, Path file, long kept,
      DigestMismatchException mismatch) {
    return new DigestMismatchException(what + ": the " + kept + " bytes " + file + " held are not"
        + " the start of the object (with the rest appended they hash to " + mismatch.actual
        + ", not " + mismatch.expected + "); the file is left as it was: download it afresh",
        mismatch.expected, mismatch.actual, null);
  }

  /** The server recorded {@code version} for an upload whose bytes had {@code sent} as hash. */
  static DigestMismatchException upload(String what, ObjectVersion version, String sent,
      long sentBytes) {
    return new DigestMismatchException(what + ": the bytes the server stored differ from the"
        + " bytes sent (SHA-256 " + version.hash() + " of " + version.size() + " bytes, not "
        + sent + " of " + sentBytes + "); version " + version.version()
        + " is recorded anyway: store the object again or delete it", sent, version.hash(),
        version);
  }

  /**
   * The base64 SHA-256 the bytes should have had: the one the server declared for a download,
   * the one of the bytes sent for an upload.
   */
  public String expected() {
    return expected;
  }

  /**
   * The base64 SHA-256 the bytes turned out to have: of the bytes received for a download, of
   * the bytes the server recorded for an upload.
   */
  public String actual() {
    return actual;
  }

  /** For an upload, the version the server recorded with the wrong bytes; empty otherwise. */
  public Optional<ObjectVersion> recorded() {
    return Optional.ofNullable(recorded);
  }
}
