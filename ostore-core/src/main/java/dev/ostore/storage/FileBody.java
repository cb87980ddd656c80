package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Writes a new file front to back. Its first {@link #DIRECT_AFTER} bytes go through the page
 * cache; past them, where the file system takes it, the rest goes straight to the disk
 * ({@code O_DIRECT}) in aligned writes of {@link #DIRECT_WRITE} bytes.
 *
 * <p>Why: a big shard is forced at its commit anyway and seldom read soon after, and copying it
 * into the page cache first is most of what a data server spends on it (benchmarks.md, section
 * 27). Small files, most shards, keep the cheaper buffered path: nothing is allocated for them.
 */
final class FileBody implements AutoCloseable {
  static final long DIRECT_AFTER = 1 << 20;
  static final int DIRECT_WRITE = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  /** Whether direct writes are allowed and not tried yet: a file tries once. */
  private boolean directToTry;
  private DirectChannel direct;
  /** Bytes not yet written, starting at {@link #heldFrom}, an aligned position. */
  private ByteBuffer held;
  private long heldFrom;
  /** A record's checksum on its way to the file. */
  private final ByteBuffer crc = ByteBuffer.allocate(ShardRecords.CRC_BYTES);
  private long position;
  /** How far the file holds what was given: not the bytes still held. */
  private long written;

  /**
   * Writes {@code file}, open for reading and writing as {@code channel} (which stays the
   * caller's to close), from {@code start} on; {@code directAllowed} false keeps it all buffered.
   */
  FileBody(Path file, FileChannel channel, long start, boolean directAllowed) {
    this.file = file;
    this.channel = channel;
    this.directToTry = directAllowed;
    this.position = start;
    this.written = start;
  }

  /** The file's length once everything given so far is written. */
  long position() {
    return position;
  }

  /**
   * How far the file holds the bytes given so far, forced or not: short of {@link #position} by
   * those held for the next aligned write. What a write that failed left is beyond it.
   */
  long written() {
    return written;
  }

  /** Whether bytes now bypass the page cache. */
  boolean direct() {
    return direct != null;
  }

  /** Appends all of {@code bytes}. */
  void write(ByteBuffer bytes) throws IOException {
    if (directToTry && position >= DIRECT_AFTER) {
      startDirect();
    }
    if (direct == null) {
      while (bytes.hasRemaining()) {
        position += channel.write(bytes, position);
      }
      written = position;
      return;
    }
    while (bytes.hasRemaining()) {
      int n = Math.min(bytes.remaining(), held.remaining());
      held.put(bytes.slice(bytes.position(), n));
      bytes.position(bytes.position() + n);
      position += n;
      if (!held.hasRemaining()) {
        writeHeld(held.position());
      }
    }
  }

  /**
   * Appends block {@code number}, {@code bytes[offset, offset + length)}, as a shard's record: its
   * bytes, then their checksum ({@link ShardRecords}). Past the first MiB the bytes are copied
   * once, into the direct write's buffer, not first beside their checksum.
   */
  void writeRecord(byte[] bytes, int offset, int length, long number) throws IOException {
    crc.clear().putInt(ShardRecords.crc(bytes, offset, length, number)).flip();
    write(ByteBuffer.wrap(bytes, offset, length));
    write(crc);
  }

  /** Writes what is held; the file is then exactly {@link #position} bytes long. */
  void finish() throws IOException {
    if (direct == null || held.position() == 0) {
      return;
    }
    int align = direct.align();
    int padded = (held.position() + align - 1) / align * align;
    while (held.position() < padded) {
      held.put((byte) 0);
    }
    writeHeld(padded);
    channel.truncate(position);
    written = position;
  }

  @Override
  public void close() throws IOException {
    if (direct != null) {
      direct.channel().close();
    }
  }

  /**
   * Opens the file again for direct writes from the last aligned position, reading the bytes
   * between it and {@link #position} back into the held buffer. Where the file system refuses
   * (tmpfs, for one), the body stays buffered.
   */
  private void startDirect() throws IOException {
    directToTry = false;
    direct = DirectChannel.open(file, WRITE).orElse(null);
    if (direct == null) {
      return;
    }
    held = direct.buffer(DIRECT_WRITE);
    heldFrom = position / direct.align() * direct.align();
    held.limit((int) (position - heldFrom));
    while (held.hasRemaining()) {
      if (channel.read(held, heldFrom + held.position()) < 0) {
        throw new IOException(file + " is shorter than the " + position + " bytes written");
      }
    }
    held.limit(DIRECT_WRITE);
  }

  /** Writes the first {@code length} held bytes, rounded down to aligned, and keeps the rest. */
  private void writeHeld(int length) throws IOException {
    int aligned = length / direct.align() * direct.align();
    ByteBuffer out = held.duplicate().flip().limit(aligned);
    while (out.hasRemaining()) {
      direct.channel().write(out, heldFrom + out.position());
    }
    held.flip().position(aligned);
    held.compact().limit(DIRECT_WRITE);
    heldFrom += aligned;
    written = Math.max(written, Math.min(heldFrom, position)); // a padded last write ends past
  }
}
