package dev.ostore.object;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.ostore.BufferTaker;
import dev.ostore.ContentHash;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metrics.CacheStats;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Small contents kept in the api server's memory once written or read and checked, up to a
 * number of bytes in all, the least recently used going first. Content never changes under its
 * hash, so a kept copy is never stale, and a GET of it costs no data server.
 */
final class SmallContents {
  /** The largest content kept: the small-object limit's default. */
  static final int LARGEST = 64 * 1024;

  private final Cache<ContentHash, Kept> kept;
  /** Contents answered from memory ({@link #get}), and read as they were not ({@link #read}). */
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /**
   * Content kept: its bytes, and how it is stored ({@code layout}, none for content stored whole
   * before erasure coding), so that a GET of it asks the metadata store nothing either.
   */
  record Kept(byte[] bytes, Optional<ContentLayout> layout) {}

  /** Keeps up to {@code maxBytes} of content; 0 keeps nothing. */
  SmallContents(long maxBytes) {
    this.kept = CacheBuilder.newBuilder().maximumWeight(maxBytes)
        .weigher((ContentHash hash, Kept content) -> content.bytes().length).build();
  }

  /** What a cache of about an eighth of the heap, at most 64 MiB, holds. */
  static long defaultBytes() {
    return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
  }

  /** The content, if kept: a hit when it is. */
  Optional<ObjectStore.Content> get(ContentHash hash) {
    Optional<ObjectStore.Content> content = held(hash).map(kept -> new InMemory(kept.bytes()));
    if (content.isPresent()) {
      hits.increment();
    }
    return content;
  }

  /** The content and its layout, if kept. */
  Optional<Kept> held(ContentHash hash) {
    return Optional.ofNullable(kept.getIfPresent(hash));
  }

  /**
   * Reads {@code content}, stored as {@code layout} says, whole, checked as its {@code copyTo}
   * checks it, keeps it if it is small, and returns it in memory: errors come before an answer
   * has started.
   */
  ObjectStore.Content read(ContentHash hash, Optional<ContentLayout> layout,
      ObjectStore.Content content) throws IOException {
    misses.increment();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) content.size());
    try (content) {
      content.copyTo(bytes);
    }
    byte[] whole = bytes.toByteArray();
    kept.put(hash, new Kept(whole, layout));
    return new InMemory(whole);
  }

  /** Contents answered from memory and read elsewhere so far, and the contents kept now. */
  CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), kept.size());
  }

  /**
   * The body of an upload on its way to {@code out}, with its bytes set aside as long as they fit
   * the largest content kept ({@code length} says up front when they will not): {@link
   * Copy#keep} keeps them once they are stored, so that even the first read of content this
   * server wrote costs no data server.
   */
  Copy copying(OutputStream out, OptionalLong length) {
    return new Copy(out, length.orElse(0) <= LARGEST);
  }

  /** See {@link #copying}; passes on buffers to an {@code out} that takes them; not thread-safe. */
  final class Copy extends FilterOutputStream implements BufferTaker {
    /** Null once the bytes are too many to keep. */
    private ByteArrayOutputStream bytes;

    private Copy(OutputStream out, boolean mayFit) {
      super(out);
      this.bytes = mayFit ? new ByteArrayOutputStream() : null;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      setAside(b, off, len);
    }

    @Override
    public byte[] take(byte[] buffer, int length) throws IOException {
      setAside(buffer, 0, length); // before it is given on
      return BufferTaker.give(out, buffer, length);
    }

    private void setAside(byte[] b, int off, int len) {
      if (bytes != null && bytes.size() + len > LARGEST) {
        bytes = null;
      } else if (bytes != null) {
        bytes.write(b, off, len);
      }
    }

    /**
     * Keeps the bytes as the content of {@code hash}, which they were stored as ({@code layout}),
     * if they fit.
     */
    void keep(ContentHash hash, ContentLayout layout) {
      if (bytes != null) {
        kept.put(hash, new Kept(bytes.toByteArray(), Optional.of(layout)));
      }
    }
  }

  /** Content in memory, whole. */
  record InMemory(byte[] bytes) implements ObjectStore.Content {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void copyTo(OutputStream out) throws IOException {
      out.write(bytes);
    }

    @Override
    public void close() {}
  }
}
