package dev.ostore.client;

/**
 * The server answered 404: no object has the requested name, it was deleted (its latest version
 * is a tombstone), it has no such version, or no live data server holds its content.
 */
public final class ObjectNotFoundException extends OstoreClientException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String message) {
    super(404, message);
  }
}
