package dev.ostore.client.cli;

/** A command line that does not follow the usage; {@link Main} answers it with exit status 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
