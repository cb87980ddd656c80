package dev.ostore.client;

import java.io.IOException;

/**
 * An error answer from the ostore api server: the HTTP {@link #status()} and, as the message, the
 * server's one-line reason. The hierarchy is closed and small, one subclass for each answer a
 * caller typically handles differently:
 *
 * <ul>
 *   <li>{@link BadRequestException}, 400: the server refused the name or the request; sending it
 *       again will not help.
 *   <li>{@link ObjectNotFoundException}, 404: no object has this name, it is deleted, it has no
 *       such version, or no data server holds it.
 *   <li>{@link PreconditionFailedException}, 412: the {@link WriteCondition} of a write did not
 *       hold, another write came first; read the object again before deciding.
 *   <li>{@link ServiceUnavailableException}, 503: no data server is live, the metadata store is
 *       unreachable, or the server is busy with as many big transfers as it takes; retry later.
 *   <li>this class itself for any other status, notably 409 (the request conflicts with another
 *       one in progress on the same object; retry later), 502 (a data server failed mid-request;
 *       a retry may succeed), 507 (the data servers have no room for new content; reads go on,
 *       and a write succeeds again once an operator frees space) and 405 (a client and server
 *       that disagree on the protocol).
 * </ul>
 *
 * <p>Failures without an answer (a server that cannot be reached, {@link
 * ServerUnreachableException}; a timeout; a body cut short) and bytes that do not match their
 * SHA-256 ({@link DigestMismatchException}) are other {@link IOException}s, so {@code
 * catch (OstoreClientException e)} sees only what the server said.
 */
public sealed class OstoreClientException extends IOException
    permits BadRequestException, ObjectNotFoundException, PreconditionFailedException,
    ServiceUnavailableException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public OstoreClientException(int status, String message) {
    super(message);
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status (" + status + ") is not an HTTP status");
    }
    this.status = status;
  }

  /** The HTTP status of the server's answer. */
  public int status() {
    return status;
  }

  /** The exception for an error answer: the subclass of its status, else this class. */
  static OstoreClientException of(int status, String message) {
    return switch (status) {
      case 400 -> new BadRequestException(message);
      case 404 -> new ObjectNotFoundException(message);
      case 412 -> new PreconditionFailedException(message);
      case 503 -> new ServiceUnavailableException(message);
      default -> new OstoreClientException(status, message);
    };
  }
}
