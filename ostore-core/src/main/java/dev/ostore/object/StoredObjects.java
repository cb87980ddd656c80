package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.ServerAddress;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.InlineContent;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.metrics.CacheStats;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.VerifiedCopy;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link ObjectStore} over the metadata store and the data servers. New content is stored in
 * shards, or, when small enough, in the metadata store itself (inline), and recorded in the table
 * of contents with its version; content stored whole on one data server before erasure coding
 * (no entry in the table of contents) is still read there.
 */
final class StoredObjects implements ObjectStore {
  private final MetadataStore metadata;
  private final LiveServers live;
  private final Locator locator;
  private final DataServerClient client;
  private final ShardedContents sharded;
  private final boolean instantUpload;
  private final SmallContents small;
  private final RepairQueue repairs;
  private final StoredContent contents;
  private final InlineContents inline;
  private final Compression compression;

  StoredObjects(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, ShardedContents sharded, Layouts layouts, boolean instantUpload,
      SmallContents small, RepairQueue repairs, Compression compression) {
    this.metadata = metadata;
    this.live = live;
    this.locator = locator;
    this.client = client;
    this.sharded = sharded;
    this.instantUpload = instantUpload;
    this.small = small;
    this.repairs = repairs;
    this.contents = new StoredContent(metadata, locator, client, layouts, repairs);
    this.inline = new InlineContents(metadata);
    this.compression = compression;
  }

  /**
   * Content stored already is not stored again: when the declared hash is known to be stored,
   * the body is only read and checked, or, with instant upload on and a client waiting for
   * {@code 100 Continue}, not even sent; an undeclared one is streamed to the data servers and
   * dropped there, uncommitted, once its hash shows it stored. Content small enough to keep
   * inline goes to the metadata store with its version, in one transaction, unless it is
   * recorded in shards already. Otherwise the version is added only once its content is
   * durable, with the content's layout in the same transaction.
   */
  @Override
  public Version put(ObjectName name, Body body) throws IOException {
    Optional<ContentHash> declared = body.declared();
    Precondition condition = body.precondition();
    if (declared.isPresent()) {
      OptionalLong size = contents.size(declared.get(), name);
      long found = System.nanoTime();
      if (size.isPresent()) {
        // Answering before the body without 100-continue would break the client's upload.
        if (instantUpload && body.mayStayUnsent()) {
          return metadata.add(name.value(), size.getAsLong(), declared.get(), condition);
        }
        MessageDigest digest = ContentHash.newDigest();
        long read = body.copyTo(
            new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        ContentHash hash = ContentHash.of(digest.digest()).checkDeclared(declared);
        StoredContent.checkInTime(found, name, "its content was found stored");
        return metadata.add(name.value(), read, hash, condition);
      }
    }
    try (ShardedContents.Upload upload = sharded.start(body.length(), name, compression)) {
      SmallContents.Copy copy = small.copying(upload.body(), body.length());
      long size = body.copyTo(copy);
      ContentHash hash = upload.seal(declared);
      Optional<InlineContent> inlined = upload.inline();
      if (inlined.isPresent()) {
        Optional<Version> kept = keepInline(name, hash, inlined.get(), condition);
        if (kept.isPresent()) {
          copy.keep(hash, inlined.get().layout());
          return kept.get();
        }
      }
      // Undeclared content is known only now: if it is stored already, no shard is committed.
      if (declared.isEmpty() && contents.size(hash, name).isPresent()) {
        return metadata.add(name.value(), size, hash, condition);
      }
      long committing = System.nanoTime();
      ShardedContents.Stored stored = upload.commit();
      Version version = contents.record(name, stored, committing, "PUT of " + name,
          condition);
      copy.keep(stored.hash(), stored.layout());
      return version;
    }
  }

  /**
   * Adds a version of {@code name} with its content kept inline; empty when the content is
   * recorded in shards already (stored before inline content, or under another inline limit):
   * it is then stored as such content is, which puts back shards it may have lost.
   */
  private Optional<Version> keepInline(ObjectName name, ContentHash hash, InlineContent content,
      Precondition condition) throws IOException {
    try {
      return Optional.of(metadata.add(name.value(), hash, content, condition));
    } catch (OstoreException e) {
      if (e.code() != ErrorCode.CONFLICT) {
        throw e;
      }
      return Optional.empty();
    }
  }

  @Override
  public Version resolve(ObjectName name, OptionalLong number) throws IOException {
    Optional<Version> version = number.isPresent()
        ? metadata.version(name.value(), number.getAsLong())
        : metadata.latest(name.value());
    if (version.isEmpty()) {
      throw number.isPresent()
          ? OstoreException.notFound("object " + name + " has no version " + number.getAsLong())
          : Missing.object(name.value());
    }
    if (version.get().isTombstone()) {
      throw Missing.deleted(name.value(), version.get().number());
    }
    return version.get();
  }

  /**
   * Small content comes from memory when this server wrote or read it before, and is read whole
   * otherwise; a range of it is cut from the whole, checked.
   */
  @Override
  public Content open(Version version, ByteRange range) throws IOException {
    ContentHash hash = version.hash().orElseThrow(
        () -> Missing.deleted(version.name(), version.number()));
    checkWithin(version, range);
    if (version.size() > SmallContents.LARGEST) {
      return openStored(version, hash, metadata.layout(hash), range);
    }
    Optional<Content> held = held(hash, range);
    if (held.isPresent()) {
      return held.get();
    }
    Optional<ContentLayout> layout = metadata.layout(hash);
    return Slice.cut(small.read(hash, layout,
        openStored(version, hash, layout, ByteRange.all(version.size()))), range);
  }

  @Override
  public Optional<Content> openHeld(Version version, ByteRange range) {
    checkWithin(version, range);
    return version.hash().flatMap(hash -> held(hash, range));
  }

  @Override
  public CacheStats smallContentsCache() {
    return small.stats();
  }

  /** {@code range} of the content, if this server holds it in memory. */
  private Optional<Content> held(ContentHash hash, ByteRange range) {
    return small.get(hash).map(whole -> Slice.cut(whole, range));
  }

  private static void checkWithin(Version version, ByteRange range) {
    if (!range.within(version.size())) {
      throw new IllegalArgumentException(range + " is not within the " + version.size()
          + " bytes of " + version.name());
    }
  }

  /**
   * Content stored compressed is sent as it is stored, its segments made one gzip member; its
   * size is known from the table of contents alone.
   */
  @Override
  public OptionalLong gzipSize(Version version) throws IOException {
    Optional<ContentLayout> layout = layoutOf(version);
    return layout.flatMap(ContentLayout::compressed)
        .map(form -> OptionalLong.of(form.gzipSize())).orElse(OptionalLong.empty());
  }

  @Override
  public Optional<Content> openGzip(Version version) throws IOException {
    Optional<ContentLayout> layout = layoutOf(version);
    if (layout.isEmpty()) {
      return Optional.empty();
    }
    ContentHash hash = version.hash().orElseThrow();
    return layout.get().isInline() ? inline.openGzip(hash, layout.get(), version.name())
        : sharded.openGzip(hash, layout.get(), version.name());
  }

  /** How {@code version}'s content is stored: known in memory when the content is kept. */
  private Optional<ContentLayout> layoutOf(Version version) throws IOException {
    ContentHash hash = version.hash().orElseThrow(
        () -> Missing.deleted(version.name(), version.number()));
    Optional<SmallContents.Kept> held = small.held(hash);
    return held.isPresent() ? held.get().layout() : metadata.layout(hash);
  }

  private Content openStored(Version version, ContentHash hash, Optional<ContentLayout> layout,
      ByteRange range) throws IOException {
    Content content;
    if (layout.isPresent() && layout.get().isInline()) {
      content = inline.open(hash, layout.get(), version.name(), range);
    } else if (layout.isPresent()) {
      content = sharded.open(hash, layout.get(), version.name(), range);
    } else {
      content = openWholeOrConverted(hash, version.name(), range);
    }
    if (content.size() != version.size()) {
      content.close();
      locator.forget(hash.hex());
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "the data servers hold "
          + content.size() + " bytes for " + version.name() + ", not " + version.size());
    }
    return content;
  }

  /**
   * Content stored whole on one data server, as before erasure coding, opened there; when no live
   * server holds it whole any more, the shards it was converted to meanwhile (a collection holds
   * a whole copy once its content is in the table of contents).
   */
  private Content openWholeOrConverted(ContentHash hash, String what, ByteRange range)
      throws IOException {
    try {
      return Slice.cut(openWhole(hash, what), range);
    } catch (OstoreException e) {
      Optional<ContentLayout> converted = metadata.layout(hash);
      if (converted.isEmpty()) {
        throw e;
      }
      return sharded.open(hash, converted.get(), what, range);
    }
  }

  /** Content stored whole on one data server, as before erasure coding, opened there. */
  private Content openWhole(ContentHash hash, String what) throws IOException {
    String key = hash.hex();
    OstoreException unreachable = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Optional<ServerAddress> holder = locator.locate(key);
      if (holder.isEmpty()) {
        break;
      }
      try {
        GetStream in = client.readWhole(holder.get(), hash);
        ServerAddress server = holder.get();
        return new Opened(in.length(), out -> {
          if (!VerifiedCopy.copy(in, out, hash, in.length())) {
            locator.forget(key);
            throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server " + server
                + " sent bytes for " + what + " that do not match its SHA-256");
          }
        }, in::close);
      } catch (OstoreException e) {
        locator.forget(key);
        if (e.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
          live.dropUntilHeard(holder.get());
          unreachable = e;
        } else if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
      }
    }
    if (unreachable != null) {
      throw unreachable;
    }
    throw Missing.content(live, hash);
  }
}
