package dev.ostore.client.cli;

import dev.ostore.client.DigestMismatchException;
import dev.ostore.client.OstoreClientException;
import dev.ostore.client.RequestTimeoutException;
import dev.ostore.client.ServerUnreachableException;
import java.io.IOException;
import java.nio.file.FileSystemException;

/** How the command line tells what went wrong: one line, naming the server or the file. */
final class Failures {
  private Failures() {}

  /** A one-line reason: the server's own message, or what went wrong on this side. */
  static String describe(Exception e) {
    if (e instanceof OstoreClientException answer) {
      return answer.getMessage() + " (HTTP " + answer.status() + ")";
    }
    if (e instanceof ServerUnreachableException || e instanceof FileSystemException
        || (e.getMessage() != null
            && (e instanceof DigestMismatchException || e.getClass() == IOException.class))) {
      // Names the server, or the file ("/tmp: Is a directory"), or says it all already: a
      // class's name would add nothing. Other failures keep it (EOFException, SocketException).
      return e.getMessage();
    }
    if (e instanceof RequestTimeoutException) {
      // Names the request, the server and the timeout; the hint says what to change.
      return e.getMessage() + " (--timeout sets how long to wait)";
    }
    String type = e.getClass().getSimpleName();
    return e.getMessage() == null ? type : e.getMessage() + " (" + type + ")";
  }
}
