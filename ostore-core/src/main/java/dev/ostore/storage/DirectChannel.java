package dev.ostore.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file opened for direct I/O ({@code O_DIRECT}), with the alignment its file system asks of
 * positions, lengths and buffers: for {@link FileBody} and {@link FileReads}.
 */
record DirectChannel(FileChannel channel, int align) {
  DirectChannel {
    if (align < 1) {
      throw new IllegalArgumentException("alignment " + align + " is not positive");
    }
  }

  /**
   * Opens {@code file} again for {@code access} ({@code READ} or {@code WRITE}) past the page
   * cache; empty where the file system refuses it (tmpfs, for one) or the file is gone.
   */
  static Optional<DirectChannel> open(Path file, OpenOption access) {
    try {
      int align = Math.toIntExact(Files.getFileStore(file).getBlockSize());
      return Optional.of(new DirectChannel(
          FileChannel.open(file, access, ExtendedOpenOption.DIRECT), align));
    } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** A buffer outside the heap of at least {@code size} bytes, starting on an aligned address. */
  ByteBuffer buffer(int size) {
    return ByteBuffer.allocateDirect(size + align).alignedSlice(align);
  }
}
