package dev.ostore.client;

import java.io.IOException;

/**
 * A resumable upload broke off (its connection broke, or the server answered 5xx, 409 or 416)
 * more times in a row than the client's {@link OstoreClient.Builder#uploadRetries upload
 * retries} allow, without the server gaining a byte in between. The cause is the last failure.
 *
 * <p>Unless the client was built with {@link OstoreClient.Builder#keepBrokenUploads}, the client
 * deleted the upload on the server before throwing this ({@code DELETE /temp/<token>}, best
 * effort: a failure to do so is attached as suppressed, and the server deletes it at its expiry
 * anyway). A kept upload can be finished later with {@link OstoreClient#resumeUpload} and {@link
 * #location()}, until it expires (a day by default).
 */
public final class UploadBrokenException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String location;
  private final long held;
  private final long size;
  private final boolean kept;

  UploadBrokenException(String what, String location, long held, long size, boolean kept,
      int retries, IOException cause) {
    super(what + ": the upload broke off with " + held + " of " + size + " bytes held, and "
        + retries + (retries == 1 ? " retry" : " retries") + " in a row did not take it further: "
        + cause.getMessage()
        + (kept ? "; it is kept at " + location : ""), cause);
    this.location = location;
    this.held = held;
    this.size = size;
    this.kept = kept;
  }

  /** Where the upload is on the api server: {@code /temp/<token>}. */
  public String location() {
    return location;
  }

  /** How many bytes the server was last known to hold. */
  public long held() {
    return held;
  }

  /** The size of the object being uploaded. */
  public long size() {
    return size;
  }

  /** Whether the upload was kept on the server, to be finished with {@link
   * OstoreClient#resumeUpload}; else the client deleted it. */
  public boolean kept() {
    return kept;
  }
}
