package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link ShardStore} in plain files, in the format of {@link ShardFormat}. */
final class DiskShardStore implements ShardStore {
  private static final Logger log = System.getLogger(DiskShardStore.class.getName());
  /** Not DiskStorage's {@code .part}: each store deletes only its own leftovers. */
  static final String PARTIAL_SUFFIX = ".shard-part";

  private final Path shards;
  private final Path temp;
  private final Path corrupt;
  private final int maxUploads;
  private final Semaphore uploadSlots;
  private final NavigableSet<ShardId> index = new ConcurrentSkipListSet<>();
  private final Set<DiskShardUpload> uploads = ConcurrentHashMap.newKeySet();
  /** Commits of shards in one directory take turns, so two of one shard cannot both store it. */
  private final Object[] directoryLocks = new Object[256];
  private final AtomicBoolean open = new AtomicBoolean(true);
  /** Eight files forced at once keep a disk busy; more threads would only wait longer. */
  private final Writeback writeback = new Writeback(8, "shard-writeback");
  private DiskResumableShards resumable;

  private DiskShardStore(Path shards, Path temp, Path corrupt, int maxUploads) {
    this.shards = shards;
    this.temp = temp;
    this.corrupt = corrupt;
    this.maxUploads = maxUploads;
    this.uploadSlots = new Semaphore(maxUploads);
    for (int i = 0; i < directoryLocks.length; i++) {
      directoryLocks[i] = new Object();
    }
  }

  static DiskShardStore open(Path root, int maxUploads, InstantSource clock) throws IOException {
    if (maxUploads < 1) {
      throw new IllegalArgumentException("maxUploads (" + maxUploads + ") must be positive");
    }
    DiskShardStore store = new DiskShardStore(Files.createDirectories(root.resolve("shards")),
        Files.createDirectories(root.resolve("temp")),
        Files.createDirectories(root.resolve("corrupt")), maxUploads);
    store.removeDeadUploads();
    store.indexShards();
    // After the index: an upload committed but not yet renamed into place is installed now.
    store.resumable = DiskResumableShards.open(store, root.resolve("uploads"), clock, maxUploads,
        store.writeback);
    log.log(INFO, () -> store + " holds " + store.index.size() + " shards");
    return store;
  }

  @Override
  public ShardUpload create(int index, Striping striping) throws IOException {
    if (index < 0 || index >= striping.totalShards()) {
      throw OstoreException.badRequest("shard index " + index + " is outside " + striping);
    }
    if (striping.chunkSize() > ShardLayout.MAX_CHUNK_SIZE) {
      throw OstoreException.badRequest("chunks of " + striping.chunkSize()
          + " bytes are larger than the " + ShardLayout.MAX_CHUNK_SIZE + " taken");
    }
    if (!open.get()) {
      throw new IllegalStateException("shard store is closed");
    }
    if (!uploadSlots.tryAcquire()) {
      throw new OstoreException(ErrorCode.BUSY,
          "too many uploads in progress on this data server (" + maxUploads + ")");
    }
    Path partial = temp.resolve(UUID.randomUUID() + PARTIAL_SUFFIX);
    try {
      FileChannel channel = FileChannel.open(partial, CREATE_NEW, WRITE);
      DiskShardUpload upload = new DiskShardUpload(this, index, striping, channel, partial,
          writeback);
      uploads.add(upload);
      return upload;
    } catch (IOException e) {
      uploadSlots.release();
      throw DiskStorage.failed("a new upload of a shard " + index, e);
    }
  }

  @Override
  public ResumableShards resumable() {
    return resumable;
  }

  @Override
  public Optional<ShardFile> open(ShardId id) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(pathOf(id), READ);
    } catch (NoSuchFileException e) {
      index.remove(id); // removed behind our back: stop announcing it
      return Optional.empty();
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
    try {
      return Optional.of(new DiskShardFile(this, id, channel, checkHeader(id, channel)));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private ShardLayout checkHeader(ShardId id, FileChannel channel) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(ShardFormat.HEADER);
    while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
      // reads until the header is in or the file ends
    }
    ShardFormat.Header header;
    try {
      header = ShardFormat.readHeader(bytes.flip());
    } catch (IllegalArgumentException e) {
      throw corrupt(id, e.getMessage());
    }
    if (!header.id().equals(id)) {
      throw corrupt(id, "its header names shard " + header.id());
    }
    long expected = ShardFormat.fileLength(header.layout());
    long actual = channel.size();
    if (actual != expected) {
      throw corrupt(id, "the file has " + actual + " bytes, not " + expected);
    }
    return header.layout();
  }

  @Override
  public List<Integer> held(ContentHash hash) {
    List<Integer> indexes = new ArrayList<>();
    for (ShardId id : index.subSet(new ShardId(hash, 0), true,
        new ShardId(hash, ShardId.MAX_SHARDS - 1), true)) {
      indexes.add(id.index());
    }
    return indexes;
  }

  @Override
  public boolean delete(ShardId id) throws IOException {
    Path file = pathOf(id);
    synchronized (lockOf(id)) {
      index.remove(id);
      try {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
          DiskStorage.forceDirectory(file.getParent());
        }
        return deleted;
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
    }
  }

  @Override
  public void quarantine(ShardId id) throws IOException {
    Path file = pathOf(id);
    Path aside = corrupt.resolve(id + "." + System.currentTimeMillis());
    synchronized (lockOf(id)) {
      index.remove(id);
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        DiskStorage.forceDirectory(file.getParent());
        log.log(WARNING, () -> "moved shard " + id + " aside to " + aside);
      } catch (NoSuchFileException e) {
        // Gone already, by another reader that found it corrupt, or a delete.
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
    }
  }

  @Override
  public List<ShardId> list(Optional<ShardId> after, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit (" + limit + ") is negative");
    }
    Set<ShardId> rest = after.isPresent() ? index.tailSet(after.get(), false) : index;
    return rest.stream().limit(limit).toList();
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      uploads.forEach(DiskShardUpload::close);
      writeback.close();
    }
  }

  @Override
  public String toString() {
    return "DiskShardStore(" + shards.getParent() + ")";
  }

  /**
   * Makes {@code file}, whose records follow room for a header, shard {@code id}: writes the
   * header, forces the file, closes {@code channel} and installs the file. Returns whether the
   * shard was stored already (the file is then deleted). For an upload and a resumable upload.
   */
  boolean commit(ShardId id, ShardLayout layout, FileChannel channel, Path file)
      throws IOException {
    ByteBuffer header = ShardFormat.header(id, layout);
    try {
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      channel.force(true);
      channel.close();
      return install(id, file);
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  /**
   * Renames a forced temporary file into place, unless the shard is stored already; returns
   * whether it was.
   */
  boolean install(ShardId id, Path partial) throws IOException {
    Path target = pathOf(id);
    synchronized (lockOf(id)) {
      if (index.contains(id) || Files.exists(target)) {
        Files.deleteIfExists(partial);
        index.add(id);
        return true;
      }
      if (!Files.isDirectory(target.getParent())) {
        Files.createDirectories(target.getParent());
        DiskStorage.forceDirectory(shards);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      DiskStorage.forceDirectory(target.getParent());
      index.add(id);
      return false;
    }
  }

  /** Called once by each upload as it ends, committed or not. */
  void ended(DiskShardUpload upload) {
    if (uploads.remove(upload)) {
      uploadSlots.release();
    }
  }

  /** Quarantines a shard and returns the exception that says so. */
  CorruptShardException corrupt(ShardId id, String what) throws IOException {
    quarantine(id);
    return new CorruptShardException(id, what);
  }

  private Path pathOf(ShardId id) {
    String hex = id.hash().hex();
    return shards.resolve(hex.substring(0, 2)).resolve(id.toString());
  }

  private Object lockOf(ShardId id) {
    return directoryLocks[Integer.parseInt(id.hash().hex().substring(0, 2), 16)];
  }

  private void removeDeadUploads() throws IOException {
    try (DirectoryStream<Path> partials =
        Files.newDirectoryStream(temp, "*" + PARTIAL_SUFFIX)) {
      for (Path partial : partials) {
        Files.deleteIfExists(partial);
        log.log(INFO, () -> "removed the leftover of an interrupted shard upload: " + partial);
      }
    }
  }

  private void indexShards() throws IOException {
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(shards)) {
      for (Path directory : directories) {
        if (!Files.isDirectory(directory)) {
          log.log(WARNING, () -> "ignored a foreign file in " + shards + ": " + directory);
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
          for (Path file : files) {
            indexFile(directory.getFileName().toString(), file);
          }
        }
      }
    }
  }

  private void indexFile(String directory, Path file) {
    String name = file.getFileName().toString();
    try {
      ShardId id = ShardId.parse(name);
      if (name.startsWith(directory)) {
        index.add(id);
        return;
      }
    } catch (IllegalArgumentException e) {
      // not one of ours: logged below
    }
    log.log(WARNING, () -> "ignored a file not named as a shard of its directory: " + file);
  }
}
