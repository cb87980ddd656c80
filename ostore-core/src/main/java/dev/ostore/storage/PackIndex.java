package dev.ostore.storage;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.storage.PackFormat.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The headers of a sealed pack's records, in order, in a file beside it ({@code <n>.index}), so
 * that a store opens by reading a few bytes per shard rather than every shard's bytes. A pack
 * is sealed once full and never written again, so its index stays true until the pack is
 * compacted away, when it goes first. The file is the magic {@code OSPI}, the pack's length and
 * the number of records, their {@value PackFormat#HEADER}-byte headers back to back (each with
 * its own checksum, as in the pack), and the CRC32C of all before it. An index that is torn,
 * damaged, or does not add up to its pack's length is not used: the pack is read instead.
 */
final class PackIndex {
  static final String SUFFIX = ".index";
  private static final int MAGIC = 0x4f535049; // "OSPI"
  private static final int HEAD = 4 + 8 + 4;

  private PackIndex() {}

  /**
   * Writes the index of the pack of {@code packLength} bytes whose records' headers are {@code
   * headers}, each the {@value PackFormat#HEADER} bytes as they are in the pack.
   */
  static void write(Path index, List<byte[]> headers, long packLength) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(HEAD + headers.size() * PackFormat.HEADER + 4);
    bytes.putInt(MAGIC).putLong(packLength).putInt(headers.size());
    for (byte[] header : headers) {
      bytes.put(header);
    }
    bytes.putInt(PackFormat.crc(bytes.duplicate().flip()));
    Path temporary = index.resolveSibling(index.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(temporary, CREATE, TRUNCATE_EXISTING, WRITE)) {
      for (bytes.flip(); bytes.hasRemaining(); ) {
        out.write(bytes);
      }
      out.force(true);
    }
    Files.move(temporary, index, ATOMIC_MOVE);
    DiskStorage.forceDirectory(index.getParent());
  }

  /**
   * The headers in {@code index}, if it is whole and describes a pack of {@code packLength}
   * bytes record by record; empty if it is missing or is not to be trusted.
   */
  static Optional<List<Header>> read(Path index, long packLength) throws IOException {
    byte[] file;
    try {
      file = Files.readAllBytes(index);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    ByteBuffer bytes = ByteBuffer.wrap(file);
    if (file.length < HEAD + 4 || bytes.getInt(file.length - 4)
        != PackFormat.crc(bytes.duplicate().limit(file.length - 4))
        || bytes.getInt() != MAGIC || bytes.getLong() != packLength) {
      return Optional.empty();
    }
    int count = bytes.getInt();
    if (count < 0 || (long) count * PackFormat.HEADER != file.length - HEAD - 4) {
      return Optional.empty();
    }
    List<Header> headers = new ArrayList<>(count);
    long covered = 0;
    try {
      for (int i = 0; i < count; i++) {
        Header header = PackFormat.readHeader(bytes);
        bytes.position(bytes.position() + PackFormat.HEADER);
        headers.add(header);
        covered += PackFormat.HEADER + (long) header.length();
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return covered == packLength ? Optional.of(headers) : Optional.empty();
  }
}
