package dev.ostore.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Streams of a user's file whose failures name it. The JDK's read and write errors are bare
 * ({@code Is a directory}, {@code No space left on device}); these rethrow them as a {@link
 * FileSystemException} of the file, the cause attached, so that a caller can tell a failing
 * file from a failing server and say which file it was.
 */
final class FileStreams {
  private FileStreams() {}

  /** Opens {@code file} for reading. */
  static InputStream reading(Path file) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (IOException e) {
      throw about(file, e);
    }
    return new InputStream() {
      @Override
      public int read() throws IOException {
        try {
          return in.read();
        } catch (IOException e) {
          throw about(file, e);
        }
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
          return in.read(buffer, offset, length);
        } catch (IOException e) {
          throw about(file, e);
        }
      }

      /** Delegated: a file's stream moves its position instead of reading what it skips. */
      @Override
      public long skip(long n) throws IOException {
        try {
          return in.skip(n);
        } catch (IOException e) {
          throw about(file, e);
        }
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /**
   * {@code out}, an unbuffered stream that writes to {@code file} (so {@code flush} has nothing
   * to do); closing it closes {@code out}.
   */
  static OutputStream writing(OutputStream out, Path file) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        try {
          out.write(b);
        } catch (IOException e) {
          throw about(file, e);
        }
      }

      @Override
      public void write(byte[] buffer, int offset, int length) throws IOException {
        try {
          out.write(buffer, offset, length);
        } catch (IOException e) {
          throw about(file, e);
        }
      }

      @Override
      public void close() throws IOException {
        try {
          out.close();
        } catch (IOException e) {
          throw about(file, e);
        }
      }
    };
  }

  /** {@code e} as a failure of {@code file}. See {@link #about(Path, String, IOException)}. */
  static FileSystemException about(Path file, IOException e) {
    return about(file, "", e);
  }

  /**
   * {@code e} as a {@link FileSystemException} of {@code file} (the path the user gave, not a
   * temporary file beside it) with {@code context} and a reason in words; missing files and
   * denied permissions keep their types, so callers can still catch those.
   */
  static FileSystemException about(Path file, String context, IOException e) {
    String reason = context + reason(e);
    if (e instanceof FileSystemException named && file.toString().equals(named.getFile())
        && named.getOtherFile() == null && reason.equals(named.getReason())) {
      return named;
    }
    String name = file.toString();
    FileSystemException failure = e instanceof NoSuchFileException
        ? new NoSuchFileException(name, null, reason)
        : e instanceof AccessDeniedException ? new AccessDeniedException(name, null, reason)
        : new FileSystemException(name, null, reason);
    failure.initCause(e);
    return failure;
  }

  /** A {@link FileSystemException} of {@code file} for {@code reason}, caused by {@code cause}. */
  static FileSystemException failure(Path file, String reason, Throwable cause) {
    FileSystemException failure = new FileSystemException(file.toString(), null, reason);
    failure.initCause(cause);
    return failure;
  }

  /** What went wrong, in the words of the C library where the JDK gives only a type. */
  private static String reason(IOException e) {
    if (e instanceof FileSystemException named && named.getReason() != null) {
      return named.getReason();
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
