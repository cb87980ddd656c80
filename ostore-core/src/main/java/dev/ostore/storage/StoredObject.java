package dev.ostore.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * One stored object opened for reading. Its size and bytes are those of the version that was
 * current when it was opened, even if the object is replaced meanwhile. Close it when done.
 */
public final class StoredObject implements Closeable {
  private final long size;
  private final InputStream stream;

  StoredObject(long size, InputStream stream) {
    this.size = size;
    this.stream = stream;
  }

  public long size() {
    return size;
  }

  /** The object's bytes; reading past {@link #size()} gives end of stream. */
  public InputStream stream() {
    return stream;
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
