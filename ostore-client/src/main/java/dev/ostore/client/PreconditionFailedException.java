package dev.ostore.client;

/**
 * The server answered 412: the {@link WriteCondition} of a write did not hold for the object as
 * it found it (another write came first), and nothing was recorded. The message says what the
 * object is at.
 */
public final class PreconditionFailedException extends OstoreClientException {
  private static final long serialVersionUID = 1L;

  public PreconditionFailedException(String message) {
    super(412, message);
  }
}
