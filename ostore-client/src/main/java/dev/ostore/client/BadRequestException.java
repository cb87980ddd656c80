package dev.ostore.client;

/**
 * The server answered 400: it refused the request as malformed, for example a name it does not
 * accept. Sending the same request again will not help.
 */
public final class BadRequestException extends OstoreClientException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(String message) {
    super(400, message);
  }
}
