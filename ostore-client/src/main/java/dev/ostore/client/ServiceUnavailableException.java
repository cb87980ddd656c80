package dev.ostore.client;

/**
 * The server answered 503: no data server is live, so the api server can neither store nor fetch,
 * the metadata store is unreachable, or the api server streams as many big objects as it takes
 * and none ended in time. The condition is usually temporary: retry later, with backoff.
 */
public final class ServiceUnavailableException extends OstoreClientException {
  private static final long serialVersionUID = 1L;

  public ServiceUnavailableException(String message) {
    super(503, message);
  }
}
