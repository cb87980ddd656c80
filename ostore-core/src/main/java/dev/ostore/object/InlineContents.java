package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.compress.CompressedForm;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Content kept in the metadata store ({@link ContentLayout#isInline}): its stored bytes come in
 * one query and are checked whole against its SHA-256 before any of them is served, since no
 * other copy, block checksum or scrub covers them. Thread-safe.
 */
final class InlineContents {
  private final MetadataStore metadata;

  InlineContents(MetadataStore metadata) {
    this.metadata = metadata;
  }

  /** The bytes in {@code range} of the content, decoded if stored compressed. */
  ObjectStore.Content open(ContentHash hash, ContentLayout layout, Object what, ByteRange range)
      throws IOException {
    byte[] whole = checked(hash, layout, stored(hash, layout, what), what);
    return Slice.cut(new SmallContents.InMemory(whole), range);
  }

  /**
   * The content as one gzip member of its stored segments, once they were checked; empty when
   * it is stored as it came.
   */
  Optional<ObjectStore.Content> openGzip(ContentHash hash, ContentLayout layout, Object what)
      throws IOException {
    Optional<CompressedForm> form = layout.compressed();
    if (form.isEmpty()) {
      return Optional.empty();
    }
    byte[] stored = stored(hash, layout, what);
    checked(hash, layout, stored, what);
    return Optional.of(CompressedContents.gzip(layout, form.get(), what, inMemory(stored)));
  }

  private byte[] stored(ContentHash hash, ContentLayout layout, Object what)
      throws IOException {
    byte[] stored = metadata.inline(hash).orElseThrow(() -> damaged(what, "has no bytes there"));
    if (stored.length != layout.storedSize()) {
      throw damaged(what, "has " + stored.length + " stored bytes there, not "
          + layout.storedSize());
    }
    return stored;
  }

  /** The content's bytes as they came, decoded if need be, if they match its SHA-256. */
  private static byte[] checked(ContentHash hash, ContentLayout layout, byte[] stored,
      Object what) throws IOException {
    byte[] whole = stored;
    Optional<CompressedForm> form = layout.compressed();
    if (form.isPresent()) {
      ByteArrayOutputStream decoded = new ByteArrayOutputStream((int) layout.size());
      // Decoded whole, this is checked against the hash too, as any small content is.
      try (ObjectStore.Content content = CompressedContents.decoded(hash, layout, form.get(),
          what, ByteRange.all(layout.size()), inMemory(stored))) {
        content.copyTo(decoded);
      } catch (OstoreException e) {
        throw damaged(what, "does not decode: " + e.getMessage());
      }
      whole = decoded.toByteArray();
    }
    if (!ContentHash.sha256(whole).equals(hash)) {
      throw damaged(what, "does not match its SHA-256");
    }
    return whole;
  }

  private static CompressedContents.StoredStream inMemory(byte[] stored) {
    return range -> new SmallContents.InMemory(
        Arrays.copyOfRange(stored, (int) range.from(), (int) range.to()));
  }

  private static OstoreException damaged(Object what, String how) {
    return new OstoreException(ErrorCode.STORAGE_FAILED, "the content of " + what
        + ", kept in the metadata store, " + how);
  }
}
