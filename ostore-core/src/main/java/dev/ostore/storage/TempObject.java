package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;

/**
 * A temporary object of an {@link IndexedContentStore}: an {@link Upload} and the running SHA-256
 * of what was appended, so that committing needs no second read. One writer at a time.
 */
final class TempObject {
  final String id;
  /** Held by the one request writing or committing; not reentrant, unlike a lock. */
  final Semaphore busy = new Semaphore(1);
  private final Upload upload;
  private final MessageDigest digest = ContentHash.newDigest();
  private final OptionalLong limit;
  private volatile Instant lastActive;

  TempObject(String id, Upload upload, OptionalLong limit, Instant now) {
    this.id = id;
    this.upload = upload;
    this.limit = limit;
    this.lastActive = now;
  }

  long size() {
    return upload.size();
  }

  Instant lastActive() {
    return lastActive;
  }

  /** Appends; the caller holds {@link #busy}. Past the limit it is a {@code BAD_REQUEST}. */
  void write(byte[] bytes, int offset, int length, Instant now) throws IOException {
    if (limit.isPresent() && upload.size() + length > limit.getAsLong()) {
      throw OstoreException.badRequest("temporary object " + id + " takes at most "
          + limit.getAsLong() + " bytes");
    }
    upload.write(bytes, offset, length);
    digest.update(bytes, offset, length);
    lastActive = now;
  }

  /** The hash of what was appended; the object takes no more bytes after this. */
  ContentHash hash() {
    return ContentHash.of(digest.digest());
  }

  /** Stores the object under {@code key}, durably, as written at {@code written}. */
  long commit(String key, FileTime written) throws IOException {
    upload.stamp(written);
    return upload.commit(key);
  }

  void delete() throws IOException {
    upload.close();
  }

  /** Closes the file, keeping its bytes until the store is opened again. */
  void release() throws IOException {
    upload.release();
  }

  /** The stream {@link ContentStore#append} gives: writes while busy, close releases it. */
  OutputStream appender(java.time.InstantSource clock, Runnable onFailure) {
    return new OutputStream() {
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
          throw new IOException("append to " + id + " is closed");
        }
        try {
          TempObject.this.write(bytes, offset, length, clock.instant());
        } catch (IOException | RuntimeException e) {
          onFailure.run();
          throw e;
        }
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          busy.release();
        }
      }
    };
  }
}
