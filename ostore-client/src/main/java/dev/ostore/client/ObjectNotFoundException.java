package dev.ostore.client;

/**
 * The server answered 404: no object has the requested name, or no live data server holds it.
 */
public final class ObjectNotFoundException extends OstoreClientException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String message) {
    super(404, message);
  }
}
