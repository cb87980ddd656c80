package dev.ostore.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The SDK's reads of object bytes at a path: a whole version, checked against its SHA-256; a
 * range of it; or the rest of a file an earlier download left ({@link PartialFile}). Each body is
 * resumed where its connection breaks, with {@code If-Range} set to the object's entity tag so
 * that the rest is of the same content, as its {@link Retries} allow.
 */
final class ObjectReads {
  /** Starts a request to the api server, {@code pathAndQuery} raw as on the wire. */
  @FunctionalInterface
  interface Requests {
    Exchange send(String method, String pathAndQuery) throws IOException;
  }

  /** A 206's {@code Content-Range}: its first and last byte. */
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes ([0-9]{1,18})-([0-9]{1,18})/[0-9]{1,19}");

  /** Read from the connection per inflation: as much as a segment of several blocks. */
  private static final int GZIP_BUFFER = 64 * 1024;

  private final Requests requests;
  private final TransferListener listener;
  private final Retries retries;

  ObjectReads(Requests requests, TransferListener listener, Retries retries) {
    this.requests = requests;
    this.listener = listener;
    this.retries = retries;
  }

  /**
   * The whole object at {@code path}; {@code what} names the read in messages. It is asked for
   * gzip and decoded here when sent so, and checked against its SHA-256 once decoded; a body that
   * breaks off is resumed identity, from the first decoded byte missing.
   */
  BodyInputStream whole(String path, String what) throws IOException {
    Exchange exchange = requests.send("GET", path);
    exchange.header("Accept-Encoding", "gzip");
    exchange.expectSuccess();
    InputStream body = exchange.body();
    try {
      String declared = Answers.declaredDigest(exchange, what);
      long size = exchange.contentLength();
      String etag = exchange.responseHeader("ETag");
      if ("gzip".equalsIgnoreCase(exchange.responseHeader("Content-Encoding"))) {
        body = new GZIPInputStream(body, GZIP_BUFFER);
        size = objectSize(exchange, what);
        // The identity representation's entity tag: a resume asks for identity bytes.
        etag = "\"" + declared + "\"";
      }
      BodyInputStream.Resume resume = resumer(path, etag, 0, -1, what, size);
      return new BodyInputStream(body, size, declared, what, listener, resume, retries);
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
  }

  /** The size of the object's bytes, which a gzip answer tells in {@code Object-Size}. */
  private static long objectSize(Exchange exchange, String what) throws IOException {
    String size = exchange.responseHeader("Object-Size");
    if (size == null || !size.matches("[0-9]{1,18}")) {
      throw new IOException(what + ": a gzip answer without a valid Object-Size: " + size);
    }
    return Long.parseLong(size);
  }

  /** The bytes {@code range} names of the object at {@code path}, checked for their length. */
  InputStream range(String path, ByteRange range, String what) throws IOException {
    Exchange exchange = requests.send("GET", path);
    exchange.header("Range", range.header());
    exchange.expectSuccess();
    InputStream body = exchange.body();
    long length = exchange.contentLength();
    if (exchange.status() == 200) {
      // The whole object, as for a range of an empty one: the part asked for is cut from it.
      body.skipNBytes(range.startIn(length));
      return new BodyInputStream(body, range.lengthIn(length), null, what, listener);
    }
    Matcher sent = CONTENT_RANGE.matcher(String.valueOf(exchange.responseHeader("Content-Range")));
    BodyInputStream.Resume resume = sent.matches() ? resumer(path,
        exchange.responseHeader("ETag"), Long.parseLong(sent.group(1)),
        Long.parseLong(sent.group(2)), what, length) : null;
    return new BodyInputStream(body, length, null, what, listener, resume, retries);
  }

  /** Completes {@code file} with the object at {@code path}: see {@link PartialFile}. */
  long finish(Path file, String path, String what) throws IOException {
    return PartialFile.finish(file, path, what, listener, requests);
  }

  /**
   * What asks for the rest of a body of {@code size} bytes that broke off: the object's bytes
   * from {@code start} plus the bytes received to {@code last} (inclusive; -1: to the end), of
   * the content whose entity tag is {@code etag} ({@code If-Range}). Null without an entity tag.
   */
  private BodyInputStream.Resume resumer(String path, String etag, long start, long last,
      String what, long size) {
    if (etag == null) {
      return null;
    }
    return received -> {
      long from = start + received;
      Exchange rest = requests.send("GET", path);
      rest.header("Range", "bytes=" + from + "-" + (last < 0 ? "" : Long.toString(last)));
      rest.header("If-Range", etag);
      rest.expectSuccess();
      String range = rest.responseHeader("Content-Range");
      if (rest.status() != 206 || range == null || !range.startsWith("bytes " + from + "-")) {
        rest.body().close();
        throw new BodyInputStream.Unresumable(what + ": the body broke off after " + received
            + " of " + size + " bytes, and the server did not send the rest of the same"
            + " object (it changed, or it serves no ranges)");
      }
      return rest.body();
    };
  }
}
