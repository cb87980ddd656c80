package dev.ostore.http;

/**
 * Stops an endpoint tried on the thread that read its request ({@link
 * Routes.Builder#answerQuickly}) before it waits on anything: the request is run again from the
 * start on a thread that may.
 */
final class WaitNeeded extends RuntimeException {
  WaitNeeded() {
    super("the request needs a thread that may wait", null, false, false);
  }
}
