package dev.ostore.dataserver;

import dev.ostore.storage.ShardFile;
import dev.ostore.stream.PipedProducer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.concurrent.Executor;

/**
 * Blocks of a shard opened in this process, each checked by the store as it is copied out. The
 * first 256 KiB of blocks (at least one) are copied at once, so that a shard found corrupt there
 * fails before a byte is read, as over HTTP; the rest is copied in one pass by a task through a
 * pipe of 1 MiB, ahead of the reader: memory bounded, whatever the range, and a big range read
 * as the store reads one for HTTP (past the page cache, unless {@code DIRECT_IO=false}).
 */
final class ShardReads {
  static final int FIRST_BYTES = 256 * 1024;
  static final int PIPE_BYTES = 1 << 20;

  private ShardReads() {}

  /**
   * Blocks {@code [from, to)} of {@code file}, which the stream owns once returned; closing the
   * stream before its end ends the copy. A failure of the first blocks is thrown here, and the
   * caller closes the file.
   */
  static InputStream read(ShardFile file, long from, long to, Executor executor)
      throws IOException {
    long firstTo = Math.min(to, from + Math.max(1, FIRST_BYTES / file.layout().chunkSize()));
    ByteArrayOutputStream first = new ByteArrayOutputStream(
        Math.toIntExact(file.layout().rangeLength(from, firstTo)));
    file.copyBlocks(from, firstTo, first);
    InputStream firstBlocks = new ByteArrayInputStream(first.toByteArray());
    if (firstTo == to) {
      file.close();
      return firstBlocks;
    }
    InputStream rest = PipedProducer.start(executor, PIPE_BYTES, out -> {
      try (file) {
        file.copyBlocks(firstTo, to, out);
      }
    });
    return new SequenceInputStream(firstBlocks, rest);
  }
}
