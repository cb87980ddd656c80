package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.compress.BlockIndex;
import dev.ostore.compress.CompressedForm;
import dev.ostore.compress.CorruptBlockException;
import dev.ostore.compress.SegmentStream;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.stream.VerifiedCopy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads content as its layout says it is stored: as it came, through {@link ContentReader}; or
 * compressed, in two reads of its stored stream (from shards, or from memory for content kept
 * inline), each only of the stripes and chunks that hold what it needs: first the index entries
 * of the blocks a range touches (16 bytes for a range within one block), then those blocks'
 * segments, decoded as they arrive, or sent on undecoded as one gzip member. Reads of shards are
 * checked block by block (CRC32C) as any; the segments too, as they are decoded (CRC-32); and
 * content small enough, whole against its SHA-256, as content stored as it came.
 */
final class CompressedContents {
  private final ContentReader reader;

  /** Where the bytes of a content's stored stream are read from, a range at a time. */
  interface StoredStream {
    /** The stored stream's bytes in {@code range}. */
    ObjectStore.Content open(ByteRange range) throws IOException;
  }

  CompressedContents(ContentReader reader) {
    this.reader = reader;
  }

  /** The bytes in {@code range} of the content, decoded if stored compressed. */
  ObjectStore.Content open(ContentHash hash, ContentLayout layout, Object what, ByteRange range)
      throws IOException {
    Optional<CompressedForm> compressed = layout.compressed();
    if (compressed.isEmpty()) {
      return reader.open(hash, layout.size(), layout.striping(), what, range);
    }
    return decoded(hash, layout, compressed.get(), what, range, sharded(hash, layout, what));
  }

  /** The stored stream of content in shards. */
  private StoredStream sharded(ContentHash hash, ContentLayout layout, Object what) {
    return range -> reader.openStream(hash, layout.storedSize(), layout.striping(), what, range);
  }

  /**
   * The bytes in {@code range} of content stored compressed as {@code form}, its stored stream
   * read from {@code streamed}.
   */
  static ObjectStore.Content decoded(ContentHash hash, ContentLayout layout, CompressedForm form,
      Object what, ByteRange range, StoredStream streamed) throws IOException {
    long size = layout.size();
    if (range.length() == 0) {
      return new Opened(size, out -> {}, () -> {});
    }
    long first = range.from() / BlockIndex.BLOCK_SIZE;
    long end = (range.to() - 1) / BlockIndex.BLOCK_SIZE + 1;
    BlockIndex index = index(layout, form, what, first, end, streamed);
    ObjectStore.Content stored =
        streamed.open(new ByteRange(index.start(first), index.end(end - 1)));
    boolean hashChecked = range.isAll(size) && size <= ContentReader.WHOLE_HASH_CHECKED;
    return new Opened(size, out -> {
      ByteArrayOutputStream whole = hashChecked ? new ByteArrayOutputStream((int) size) : null;
      try (SegmentStream decoding = SegmentStream.decoding(index, form.codec(), size,
          range.from(), range.to(), hashChecked ? whole : out)) {
        stored.copyTo(decoding);
        decoding.finish();
      } catch (CorruptBlockException e) {
        throw failed(what, e);
      }
      if (hashChecked && !VerifiedCopy.copy(new ByteArrayInputStream(whole.toByteArray()), out,
          hash, size)) {
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "the blocks of " + what
            + " decode to bytes that do not match its SHA-256");
      }
    }, stored::close);
  }

  /**
   * The content as one gzip member of its stored segments, not decoded (the client checks the
   * member's CRC-32, made from theirs); empty when it is stored as it came.
   */
  Optional<ObjectStore.Content> openGzip(ContentHash hash, ContentLayout layout, Object what)
      throws IOException {
    Optional<CompressedForm> compressed = layout.compressed();
    return compressed.isEmpty() ? Optional.empty()
        : Optional.of(gzip(layout, compressed.get(), what, sharded(hash, layout, what)));
  }

  /**
   * Content stored compressed as {@code form} as one gzip member of its stored segments, its
   * stored stream read from {@code streamed}.
   */
  static ObjectStore.Content gzip(ContentLayout layout, CompressedForm form, Object what,
      StoredStream streamed) throws IOException {
    long size = layout.size();
    BlockIndex index = index(layout, form, what, 0, BlockIndex.blocks(size), streamed);
    ObjectStore.Content stored = streamed.open(new ByteRange(0, form.indexAt()));
    return new Opened(form.gzipSize(), out -> {
      SegmentStream gzip = SegmentStream.gzip(index, size, out);
      try {
        stored.copyTo(gzip);
        gzip.finish();
      } catch (CorruptBlockException e) {
        throw failed(what, e);
      }
    }, stored::close);
  }

  /** The index entries of blocks {@code [first, end)} and of the block before them. */
  private static BlockIndex index(ContentLayout layout, CompressedForm form, Object what,
      long first, long end, StoredStream streamed) throws IOException {
    if (!BlockIndex.indexed(layout.size())) {
      return BlockIndex.single(form.indexAt());
    }
    long from = Math.max(0, first - 1);
    ByteRange entries = new ByteRange(form.indexAt() + from * BlockIndex.ENTRY_BYTES,
        form.indexAt() + end * BlockIndex.ENTRY_BYTES);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) entries.length());
    try (ObjectStore.Content index = streamed.open(entries)) {
      index.copyTo(bytes);
    }
    if (bytes.size() != entries.length()) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "the index of " + what + " has "
          + bytes.size() + " bytes at " + entries + ", not " + entries.length());
    }
    return BlockIndex.read(from, bytes.toByteArray());
  }

  private static OstoreException failed(Object what, CorruptBlockException e) {
    return new OstoreException(ErrorCode.DATA_SERVER_FAILED, "the stored blocks of " + what
        + " do not decode: " + e.getMessage());
  }
}
