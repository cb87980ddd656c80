package dev.ostore.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

/**
 * An object being written to a temporary file. {@link #commit(String)} forces it to disk and
 * renames it over any object under that key in one atomic step; {@link #close()} without a commit
 * deletes it, so an upload that fails half way leaves nothing behind. Not thread-safe.
 */
public final class Upload extends OutputStream {
  private final DiskStorage storage;
  private final FileChannel channel;
  private final Path temp;
  private long written;
  private boolean committed;
  private boolean closed;

  Upload(DiskStorage storage, FileChannel channel, Path temp) {
    this.storage = storage;
    this.channel = channel;
    this.temp = temp;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    checkOpen();
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw DiskStorage.failed(toString(), e);
    }
    written += length;
  }

  /** Bytes written so far. */
  public long size() {
    return written;
  }

  /**
   * Makes the written bytes the object stored under {@code key}, durably: the file and its
   * directory are forced to disk around the rename. Returns the size of the object.
   */
  public long commit(String key) throws IOException {
    checkOpen();
    Path target = storage.pathOf(key);
    try {
      channel.force(true);
      channel.close();
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      committed = true;
      DiskStorage.forceDirectory(target.getParent());
      return written;
    } catch (IOException e) {
      throw DiskStorage.failed(key, e);
    } finally {
      close();
    }
  }

  /**
   * Records {@code at} as when the object was written, in the file's modification time, which
   * the rename of {@link #commit} keeps: a store whose times come from its own clock sets it last.
   */
  void stamp(FileTime at) throws IOException {
    checkOpen();
    try {
      Files.setLastModifiedTime(temp, at);
    } catch (IOException e) {
      throw DiskStorage.failed(toString(), e);
    }
  }

  /**
   * Closes the file and leaves it where it is, for {@link Storage#onDisk} to delete the next time
   * the storage is opened: what a server that stops does with an upload it cannot finish.
   */
  void release() throws IOException {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  /** Ends the upload; unless it was committed, its bytes are deleted. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public String toString() {
    return "upload " + temp.getFileName();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }
}
