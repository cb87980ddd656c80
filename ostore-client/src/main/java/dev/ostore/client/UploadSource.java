package dev.ostore.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The bytes of a resumable upload, how far back they can be sent again, and how far one PUT
 * goes. A file or an array can send any offset on; a file is sent a piece a PUT, each held by
 * the server once its answer comes, so that a server that dies mid-PUT loses at most that piece.
 * A caller's stream is read one piece at a time into a buffer, so a resume can go back no further
 * than the start of the piece in hand, and memory stays bounded by the piece whatever the size.
 * Used by one thread; the caller still owns and closes a stream.
 */
abstract class UploadSource {
  private final long size;

  private UploadSource(long size) {
    this.size = size;
  }

  /** The {@code size} bytes of {@code file} (as hashed before), {@code pieceSize} a PUT. */
  static UploadSource of(Path file, long size, long pieceSize) {
    return new Seekable(size, pieceSize, offset -> {
      InputStream in = FileStreams.reading(file);
      try {
        in.skipNBytes(offset);
        return in;
      } catch (IOException e) {
        in.close();
        throw e;
      }
    });
  }

  /** The bytes of an array, in one PUT: they are in memory already, and sent in no time. */
  static UploadSource of(byte[] bytes) {
    return new Seekable(bytes.length, bytes.length,
        offset -> new ByteArrayInputStream(bytes, (int) offset, (int) (bytes.length - offset)));
  }

  /** The first {@code size} bytes of {@code in}, read in pieces of {@code pieceSize}. */
  static UploadSource of(InputStream in, long size, int pieceSize) {
    return new Pieces(in, size, pieceSize);
  }

  final long size() {
    return size;
  }

  /**
   * Where a PUT of the bytes from {@code offset} ends (exclusive): the size, or the end of the
   * piece in hand, reading the next one when {@code offset} is the end of this one. An offset
   * the source cannot go back to is an {@link IOException}.
   */
  abstract long end(long offset) throws IOException;

  /** The bytes from {@code offset} to {@link #end}; the caller closes the stream. */
  abstract InputStream from(long offset) throws IOException;

  /** The base64 SHA-256 of every byte read, once all were; null when it keeps no hash. */
  String hash() {
    return null;
  }

  /** Opens a seekable source at an offset. */
  @FunctionalInterface
  private interface Opener {
    InputStream open(long offset) throws IOException;
  }

  private static final class Seekable extends UploadSource {
    private final long pieceSize;
    private final Opener opener;

    Seekable(long size, long pieceSize, Opener opener) {
      super(size);
      this.pieceSize = pieceSize;
      this.opener = opener;
    }

    /** The end of the piece {@code offset} is in: pieces start at multiples of their size. */
    @Override
    long end(long offset) {
      long pieceEnd = (offset / pieceSize + 1) * pieceSize;
      return pieceEnd <= 0 || pieceEnd > size() ? size() : pieceEnd;
    }

    @Override
    InputStream from(long offset) throws IOException {
      return opener.open(offset);
    }
  }

  private static final class Pieces extends UploadSource {
    private final InputStream in;
    private final int pieceSize;
    private byte[] piece; // made at the first piece: a stream sent in one PUT needs none
    private final MessageDigest digest = Sha256.newDigest();
    private long pieceStart;
    private int pieceLength;

    Pieces(InputStream in, long size, int pieceSize) {
      super(size);
      this.in = in;
      this.pieceSize = pieceSize;
    }

    @Override
    long end(long offset) throws IOException {
      long pieceEnd = pieceStart + pieceLength;
      if (offset < pieceStart || offset > pieceEnd) {
        throw new IOException("the server holds " + offset + " bytes, but this stream can only"
            + " send again from byte " + pieceStart + " to " + pieceEnd);
      }
      if (offset == pieceEnd && offset < size()) {
        if (piece == null) {
          piece = new byte[(int) Math.min(pieceSize, size())];
        }
        pieceStart = pieceEnd;
        pieceLength = in.readNBytes(piece, 0, (int) Math.min(piece.length, size() - pieceStart));
        digest.update(piece, 0, pieceLength);
        if (pieceLength == 0) {
          throw new IOException("the source ended after " + pieceStart + " of " + size()
              + " bytes");
        }
      }
      return pieceStart + pieceLength;
    }

    @Override
    InputStream from(long offset) {
      int start = (int) (offset - pieceStart);
      return new ByteArrayInputStream(piece, start, pieceLength - start);
    }

    @Override
    String hash() {
      return Sha256.base64(digest.digest());
    }
  }
}
