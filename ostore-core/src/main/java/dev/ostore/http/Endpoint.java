package dev.ostore.http;

import java.io.IOException;

/**
 * Serves one method on one path prefix. It may block. To answer with an error it throws an {@link
 * dev.ostore.OstoreException}, which {@link HttpService} turns into the matching status with the
 * exception's message as a one-line body.
 */
@FunctionalInterface
public interface Endpoint {
  void handle(Exchange exchange) throws IOException;
}
