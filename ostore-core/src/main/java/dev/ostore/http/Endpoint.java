package dev.ostore.http;

import java.io.IOException;

/**
 * Serves one method on one path prefix. It may block, on a route {@linkplain
 * Routes.Builder#answerQuickly answered quickly} only once it called {@link
 * Exchange#aboutToWait}. To answer with an error it throws an {@link
 * dev.ostore.OstoreException}, which {@link HttpService} turns into the matching status with the
 * exception's message as a one-line body.
 */
@FunctionalInterface
public interface Endpoint {
  void handle(Exchange exchange) throws IOException;
}
