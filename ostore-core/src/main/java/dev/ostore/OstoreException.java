package dev.ostore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * An {@link IOException} that says which {@link ErrorCode} it is, with a one-line message meant
 * for the client: the HTTP layer sends {@link #getMessage()} as the body of the error response.
 */
public final class OstoreException extends IOException {
  private final ErrorCode code;

  public OstoreException(ErrorCode code, String message) {
    super(requireNonNull(message, "message"));
    this.code = requireNonNull(code, "code");
  }

  public OstoreException(ErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.code = requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  public static OstoreException badRequest(String message) {
    return new OstoreException(ErrorCode.BAD_REQUEST, message);
  }

  public static OstoreException notFound(String message) {
    return new OstoreException(ErrorCode.NOT_FOUND, message);
  }
}
