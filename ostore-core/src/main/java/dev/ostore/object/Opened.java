package dev.ostore.object;

import java.io.IOException;
import java.io.OutputStream;

/** Content opened: its size, how to copy it out (checked), how to let go. */
record Opened(long size, Opened.Copy copy, Runnable release) implements ObjectStore.Content {
  /** Writes the content's bytes. */
  interface Copy {
    void to(OutputStream out) throws IOException;
  }

  @Override
  public void copyTo(OutputStream out) throws IOException {
    copy.to(out);
  }

  @Override
  public void close() {
    release.run();
  }
}
