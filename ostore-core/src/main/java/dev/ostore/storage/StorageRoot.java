package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A server's {@code STORAGE_ROOT}, held for as long as the server runs: the directory is created
 * when missing and locked with the operating system's lock on the file {@value #LOCK_FILE} in it,
 * so that a second process, or a second server in this JVM, refuses the root instead of sharing
 * its files. The operating system drops the lock when the process ends, however it ends. Small
 * records that belong to the root (which store it is, how many data servers it has) are kept
 * beside the lock with {@link #read} and {@link #write}. Thread-safe; closing releases the lock,
 * idempotent.
 *
 * <pre>{@code
 * try (StorageRoot root = StorageRoot.lock(Path.of("/srv/ostore"))) {
 *   ContentStore store = ContentStore.onDisk(root.path(), clock, expiry);
 * }
 * }</pre>
 */
public final class StorageRoot implements AutoCloseable {
  /** The file whose lock says a server uses the root; it holds that server's process id. */
  public static final String LOCK_FILE = "ostore.lock";

  private final Path path;
  /** The outermost directory {@link #lock} created for the root; empty when the root existed. */
  private final Optional<Path> made;
  private final FileChannel channel;
  private final FileLock lock;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private StorageRoot(Path path, Optional<Path> made, FileChannel channel, FileLock lock) {
    this.path = path;
    this.made = made;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code dir} when missing and locks it. A root locked already, by another process or
   * in this one, is an {@link IOException} whose one-line message names the root.
   */
  public static StorageRoot lock(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Optional<Path> made = outermostMissing(root);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new IOException("cannot create the storage root " + root + ": " + reason(e), e);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(root.resolve(LOCK_FILE), CREATE, READ, WRITE);
    } catch (IOException e) {
      throw new IOException("cannot lock the storage root " + root + ": " + reason(e), e);
    }
    try {
      FileLock lock = tryLock(channel, root);
      // For the operator who finds the root in use: which process holds it.
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(UTF_8)), 0);
      return new StorageRoot(root, made, channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel, Path root) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw new IOException("the storage root " + root
          + " is in use by another ostore server in this process");
    }
    if (lock == null) {
      throw new IOException("the storage root " + root + " is in use by another ostore server"
          + holder(root));
    }
    return lock;
  }

  /** The outermost of {@code dir} and its parents that does not exist; empty when it exists. */
  private static Optional<Path> outermostMissing(Path dir) {
    Path missing = null;
    for (Path d = dir; d != null && !Files.exists(d); d = d.getParent()) {
      missing = d;
    }
    return Optional.ofNullable(missing);
  }

  /** " (process 1234)" from the lock file, or nothing when it cannot be read. */
  private static String holder(Path root) {
    try {
      String pid = Files.readString(root.resolve(LOCK_FILE), UTF_8).strip();
      return pid.matches("[0-9]+") ? " (process " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The root's absolute path. */
  public Path path() {
    return path;
  }

  /** The record {@code name} in the root; empty when it was never written. */
  public Optional<Properties> read(String name) throws IOException {
    Path file = path.resolve(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties record = new Properties();
    try (Reader in = Files.newBufferedReader(file, UTF_8)) {
      record.load(in);
    }
    return Optional.of(record);
  }

  /**
   * Writes the record {@code name}, atomically: a crash leaves the old record or the new one.
   * {@code comment} heads the file, for whoever opens it.
   */
  public void write(String name, Properties record, String comment) throws IOException {
    StringWriter text = new StringWriter();
    record.store(text, comment);
    Path file = path.resolve(name);
    Path temp = path.resolve(name + ".part");
    try (FileChannel out = FileChannel.open(temp, CREATE, WRITE)) {
      out.truncate(0);
      out.write(ByteBuffer.wrap(text.toString().getBytes(UTF_8)));
      out.force(true);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      DiskStorage.forceDirectory(path);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Releases the lock. A failure to release is only logged: the lock goes with the process
   * anyway, and whoever closes a root has nothing better to do about it.
   */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      try (channel) {
        lock.release();
      } catch (IOException e) {
        System.getLogger(StorageRoot.class.getName()).log(System.Logger.Level.WARNING,
            () -> "cannot release the lock on " + path + ": " + e.getMessage());
      }
    }
  }

  /**
   * Closes the root after a start that failed. A root that {@link #lock} created, and that holds
   * nothing but the lock file, is removed again with the directories created for it, so that a
   * server refused at start leaves nothing behind; one that holds anything else is kept.
   */
  public void abandon() {
    try {
      if (open.get() && made.isPresent() && holdsOnlyItsLock()) {
        // Removed while still locked: a server that locks the path meanwhile makes its own.
        Files.delete(path.resolve(LOCK_FILE));
        for (Path dir = path; dir.startsWith(made.get()); dir = dir.getParent()) {
          Files.delete(dir);
        }
      }
    } catch (IOException e) {
      // Something else wrote in it meanwhile: theirs now.
      System.getLogger(StorageRoot.class.getName()).log(System.Logger.Level.DEBUG,
          () -> "kept " + path + " after a failed start: " + e.getMessage());
    }
    close();
  }

  private boolean holdsOnlyItsLock() throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      return files.allMatch(file -> file.getFileName().toString().equals(LOCK_FILE));
    }
  }

  @Override
  public String toString() {
    return "StorageRoot(" + path + ")";
  }

  /** The JDK's message for a file error is often the path alone: say what happened instead. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file that is not a directory is in the way";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return String.valueOf(e.getMessage());
  }
}
