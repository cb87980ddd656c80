package dev.ostore.compress;

import java.io.IOException;

/**
 * A stored compressed block that does not decode to what was compressed: the caller treats it as
 * a damaged block (read it from elsewhere, reconstruct it, repair it), never as content.
 */
public final class CorruptBlockException extends IOException {
  public CorruptBlockException(String message) {
    super(message);
  }

  public CorruptBlockException(String message, Throwable cause) {
    super(message, cause);
  }
}
