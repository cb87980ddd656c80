package dev.ostore.client;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a download named by a path goes, and how: a regular file, or a path where nothing is yet,
 * is {@link #replaceable()} (written beside and renamed over); anything else that is not a
 * directory (a device such as {@code /dev/null}, a FIFO, standard output through {@code
 * /dev/stdout}) is written in place. Symbolic links are followed one by one, so that their
 * final target is replaced and the links stay; a directory stands for the file of the object's
 * name in it, as with {@code cp}.
 */
record DownloadTarget(Path path, boolean replaceable) {
  /** As many links as Linux follows in one path before it gives up (ELOOP). */
  private static final int MAX_LINKS = 40;
  private static final Path PROC = Path.of("/proc");

  /** Resolves {@code target}, a path the caller gave, for the object {@code name}. */
  static DownloadTarget of(Path target, String name) throws IOException {
    Path path = target.toAbsolutePath();
    boolean inDirectory = false;
    for (int links = 0; ; ) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new DownloadTarget(path, true);
      }
      if (attributes.isRegularFile()) {
        return new DownloadTarget(path, true);
      } else if (attributes.isDirectory()) {
        if (inDirectory) {
          throw FileStreams.failure(path, "Is a directory", null);
        }
        inDirectory = true;
        path = fileIn(path, name);
      } else if (!attributes.isSymbolicLink()) {
        return new DownloadTarget(path, false);
      } else if (isInProc(path)) {
        // /proc/self/fd/N and the like name an open file, not a place in a directory: what they
        // "point to" (pipe:[1234], a deleted file) cannot be replaced, only written to.
        return new DownloadTarget(path, false);
      } else if (++links > MAX_LINKS) {
        throw FileStreams.failure(target, "Too many levels of symbolic links", null);
      } else {
        // Relative to the link's directory; not normalized, so ".." is left to the file system.
        path = path.resolveSibling(Files.readSymbolicLink(path));
      }
    }
  }

  /**
   * The file named {@code name} in {@code directory}. On Linux every object name is a valid file
   * name; a file system that refuses one (a character Windows forbids, a shorter length limit)
   * fails the download naming the directory and the object, rather than mangling the name into
   * one that might be another object's.
   */
  private static Path fileIn(Path directory, String name) throws FileSystemException {
    String refused = "cannot hold a file named '" + name + "'; give the file's path instead";
    try {
      Path file = directory.resolve(name);
      if (!directory.equals(file.getParent()) || !file.getFileName().toString().equals(name)) {
        throw FileStreams.failure(directory, refused, null);
      }
      return file;
    } catch (InvalidPathException e) {
      throw FileStreams.failure(directory, refused + " (" + e.getReason() + ")", e);
    }
  }

  private static boolean isInProc(Path link) {
    try {
      return link.getParent().toRealPath().startsWith(PROC);
    } catch (IOException e) {
      return false;
    }
  }
}
