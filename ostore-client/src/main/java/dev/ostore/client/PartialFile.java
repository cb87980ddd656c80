package dev.ostore.client;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Finishes a download into a file that an earlier one left part way ({@code get --resume}): the
 * bytes the file holds are kept and hashed, only the rest is asked for ({@code Range}) and
 * appended in place, and the whole file is then checked against the object's SHA-256. A file
 * whose bytes turn out not to be the object's start is a {@link DigestMismatchException}, and
 * is cut back to the bytes it held: left as it was.
 */
final class PartialFile {
  private PartialFile() {}

  /** Completes {@code file} with the object at {@code path}, and returns the object's size. */
  static long finish(Path file, String path, String what, TransferListener listener,
      ObjectReads.Requests requests) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    long have = Files.exists(file) ? hash(file, digest) : 0;
    Exchange get = requests.send("GET", path);
    if (have > 0) {
      get.header("Range", "bytes=" + have + "-");
    }
    if (get.status() == 416) {
      return whole(file, what, have, digest, requests.send("HEAD", path));
    }
    get.expectSuccess();
    String declared = Answers.declaredDigest(get, what);
    boolean rest = get.status() == 206;
    if (!rest) {
      digest.reset(); // the whole object came: it replaces what the file held
    }
    long size = (rest ? have : 0) + get.contentLength();
    try (InputStream body = new BodyInputStream(get.body(), get.contentLength(), null, what,
            listener);
        FileChannel channel = FileChannel.open(file, WRITE, CREATE,
            rest ? APPEND : TRUNCATE_EXISTING)) {
      OutputStream out = new DigestOutputStream(
          FileStreams.writing(Channels.newOutputStream(channel), file), digest);
      body.transferTo(out);
      channel.force(true);
    }
    try {
      return checked(what, declared, digest, size);
    } catch (DigestMismatchException e) {
      if (!rest) {
        throw e;
      }
      // Not the object's start after all: what was appended goes, the file is as it was.
      try (FileChannel channel = FileChannel.open(file, WRITE)) {
        channel.truncate(have);
        channel.force(true);
      }
      throw DigestMismatchException.resumed(what, file, have, e);
    }
  }

  /** The file holds as many bytes as the object, or more: no body to ask for, only a check. */
  private static long whole(Path file, String what, long have, MessageDigest digest,
      Exchange head) throws IOException {
    head.expectSuccess();
    long size = head.contentLength();
    if (have > size) {
      throw new IOException(what + ": " + file + " holds " + have + " bytes, more than the "
          + size + " of the object: it is not part of it");
    }
    return checked(what, Answers.declaredDigest(head, what), digest, size);
  }

  private static long checked(String what, String declared, MessageDigest digest, long size)
      throws DigestMismatchException {
    String actual = Sha256.base64(digest.digest());
    if (!actual.equals(declared)) {
      throw DigestMismatchException.download(what, declared, actual);
    }
    return size;
  }

  private static long hash(Path file, MessageDigest digest) throws IOException {
    try (InputStream in = FileStreams.reading(file)) {
      return in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    }
  }
}
