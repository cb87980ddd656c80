package dev.ostore.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Uploads through the api server's resumable protocol (docs/protocol.md). {@code POST
 * /objects/<name>} with {@code Size} (and {@code Digest} when known) creates an upload at {@code
 * /temp/<token>}, or, from a server run with {@code INSTANT_UPLOAD}, answers the version at once
 * when the content is stored already; each {@code
 * PUT /temp/<token>} with {@code Range: bytes=<offset>-} appends bytes from where the server
 * stands, until the last one is answered with the version.
 *
 * <p>When a PUT's connection breaks, or it is answered 5xx or 409 (the server still finishing
 * the broken request), this waits the retries' pause (doubled for each failure in a row after
 * the first, so that the default five outlast the 30 s an api server holds an upload for a
 * request that broke without it noticing), asks {@code HEAD /temp/<token>} how many bytes the
 * server holds and sends the rest from there; a 416 tells that number itself. It
 * gives up after {@link Retries#times()} such failures in a row without the server gaining a
 * byte, then deletes the upload unless asked to keep it ({@link UploadBrokenException}). Any
 * other 4xx, or a failure of the source, ends it at once: deleted too, since nothing can be
 * resumed from there.
 */
final class ResumableUploads {
  /** What a token may be made of: base64url, hex and dots, as the api server writes them. */
  private static final Pattern LOCATION = Pattern.compile("/temp/[A-Za-z0-9._~-]{1,1024}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
  /** A HEAD or error answer is a line; a Location body is one too. */
  private static final int MAX_LINE_BYTES = 4096;
  /** Times a DELETE of an abandoned upload is sent while the server still answers 409. */
  private static final int DELETE_ATTEMPTS = 8;
  private static final long DELETE_PAUSE_MILLIS = 250;

  private final ObjectReads.Requests requests;
  private final TransferListener listener;
  private final Retries retries;
  private final boolean keep;

  ResumableUploads(ObjectReads.Requests requests, TransferListener listener, Retries retries,
      boolean keep) {
    this.requests = requests;
    this.listener = listener;
    this.retries = retries;
    this.keep = keep;
  }

  /**
   * Uploads {@code source} as the next version of {@code name}; {@code declared} is its base64
   * SHA-256, or null when only the source can tell it once read (a stream). Empty, with nothing
   * read from the source, when the server does not take resumable uploads (405 to the POST: a
   * server older than this client), for the caller to send it in one PUT instead.
   */
  Optional<ObjectVersion> put(ObjectName name, UploadSource source, String declared)
      throws IOException {
    String what = "PUT " + name;
    Exchange post = requests.send("POST", "/objects/" + name.urlSegment());
    post.header("Size", Long.toString(source.size()));
    if (declared != null) {
      post.header("Digest", "SHA-256=" + declared);
    }
    // An empty body with its Content-Length: 0, which proxies and servers ask of a POST.
    post.sendBody(0).close();
    try {
      post.expectSuccess();
    } catch (OstoreClientException e) {
      if (e.status() == 405) {
        return Optional.empty();
      }
      throw e;
    }
    if (post.status() == 200 && declared != null) {
      // Stored already (by its declared digest): nothing to send.
      return Optional.of(
          checked(Answers.version(post, name, what), declared, source.size(), what));
    }
    String location = location(post, what);
    return Optional.of(new Upload(name, location, source, declared, what).from(0));
  }

  /**
   * Finishes the upload at {@code location} (kept after an {@link UploadBrokenException}) with
   * {@code source}, whose SHA-256 is {@code declared}: sends what the server does not hold yet.
   */
  ObjectVersion resume(ObjectName name, String location, UploadSource source, String declared)
      throws IOException {
    if (!LOCATION.matcher(location).matches()) {
      throw new IllegalArgumentException("not the location of an upload: " + location);
    }
    Upload upload = new Upload(name, location, source, declared, "PUT " + name + " at " + location);
    return upload.from(upload.held());
  }

  /** The {@code Location} of a 201: {@code /temp/<token>}, as a path of this server. */
  private static String location(Exchange post, String what) throws IOException {
    String location = post.responseHeader("Location");
    post.discardBody();
    if (post.status() != 201 || location == null || !LOCATION.matcher(location).matches()) {
      throw new IOException(what + ": the server answered " + post.status()
          + " without the Location of an upload: " + location);
    }
    return location;
  }

  /** {@code version}, once checked to be {@code size} bytes of the hash sent. */
  private static ObjectVersion checked(ObjectVersion version, String hash, long size,
      String what) throws DigestMismatchException {
    if ((hash != null && !version.hash().equals(hash)) || version.size() != size) {
      throw DigestMismatchException.upload(what, version, hash, size);
    }
    return version;
  }

  /** A failure of the source, not of the network: never retried, rethrown as it was. */
  private static final class SourceFailure extends IOException {
    SourceFailure(IOException cause) {
      super(cause);
    }
  }

  /** Where one PUT left the upload: the version when complete, else the bytes held. */
  private record Step(ObjectVersion version, long held, OstoreClientException refused) {}

  /** One upload under way, from its first PUT to its version. */
  private final class Upload {
    private final ObjectName name;
    private final String location;
    private final UploadSource source;
    private final String declared;
    private final String what;
    /** Whether a PUT sent the last byte: the server may have finished the upload since. */
    private boolean sentAll;

    Upload(ObjectName name, String location, UploadSource source, String declared,
        String what) {
      this.name = name;
      this.location = location;
      this.source = source;
      this.declared = declared;
      this.what = what;
    }

    /**
     * Sends the bytes from {@code held}, which the server holds, on to the end. {@code held}
     * is always what the server last said it holds (a 200, a 416 or a HEAD); after a failure it
     * is asked again before the next PUT.
     */
    ObjectVersion from(long held) throws IOException {
      int failures = 0;
      long mark = held; // the bytes held at the last failure: more since then is progress
      IOException last = null; // the failure to recover from by asking what the server holds
      while (true) {
        if (last != null) {
          try {
            retries.sleepBefore(failures); // time for the server to let the broken request go
          } catch (InterruptedIOException e) {
            throw abandon(e);
          }
        }
        IOException failure;
        try {
          if (last != null) {
            held = held();
            listener.resumed(held, source.size(), last);
            last = null;
          }
          Step step = append(held);
          if (step.version() != null) {
            return checked(step.version(), declared != null ? declared : source.hash(),
                source.size(), what);
          }
          held = step.held();
          failure = step.refused();
          if (failure != null) {
            listener.resumed(held, source.size(), failure);
          }
        } catch (SourceFailure e) {
          throw abandon((IOException) e.getCause());
        } catch (ObjectNotFoundException e) {
          Optional<ObjectVersion> finished = finishedMeanwhile(e);
          if (finished.isPresent()) {
            return finished.get();
          }
          throw abandon(e);
        } catch (IOException e) {
          if (!worthRetrying(e)) {
            throw abandon(e);
          }
          failure = e;
          last = e;
        }
        if (failure == null) {
          continue;
        }
        if (held > mark) {
          failures = 0;
          mark = held;
        }
        if (failures++ == retries.times()) {
          throw gaveUp(held, failure);
        }
      }
    }

    /** One PUT of the bytes from {@code offset}: to the end of the source, or of its piece. */
    private Step append(long offset) throws IOException {
      long end;
      InputStream in;
      try {
        end = source.end(offset);
        in = source.from(offset);
      } catch (IOException e) {
        throw new SourceFailure(new IOException(what + ": " + e.getMessage(), e));
      }
      Exchange put = requests.send("PUT", location);
      put.header("Range", "bytes=" + offset + "-");
      // A 409 (the request that broke still holds the upload) or a 416 comes before the body,
      // which the server would otherwise take in and drop for up to 5 s, one try after another.
      try {
        try (in; OutputStream body = put.sendBodyOnceAsked(end - offset)) {
          copy(in, body, offset, end);
        }
        sentAll |= end == source.size();
        put.expectSuccess();
      } catch (OstoreClientException e) {
        if (e.status() == 416) {
          return new Step(null, uploadOffset(put, "Upload-Offset"), e);
        }
        throw e;
      }
      String held = put.responseHeader("Upload-Offset");
      if (held != null && number(held, "Upload-Offset") < source.size()) {
        put.discardBody();
        return new Step(null, number(held, "Upload-Offset"), null);
      }
      if (held == null && end < source.size()) {
        put.discardBody(); // the tutorial's 200 without a count: ask for it
        return new Step(null, held(), null);
      }
      return new Step(Answers.version(put, name, what), source.size(), null);
    }

    private void copy(InputStream in, OutputStream body, long offset, long end)
        throws IOException {
      byte[] buffer = new byte[(int) Math.min(OstoreClient.BUFFER_SIZE, Math.max(1, end - offset))];
      for (long at = offset; at < end; ) {
        if (Thread.currentThread().isInterrupted()) {
          throw new SourceFailure(OstoreClient.interruptedAfter(at)); // deleted, not resumed
        }
        int n;
        try {
          n = in.read(buffer, 0, (int) Math.min(buffer.length, end - at));
        } catch (IOException e) {
          throw new SourceFailure(e);
        }
        if (n < 0) {
          throw new SourceFailure(new IOException(
              what + ": the source ended after " + at + " of " + source.size() + " bytes"));
        }
        body.write(buffer, 0, n);
        at += n;
        listener.transferred(at, source.size());
      }
    }

    /** Asks the server how many bytes it holds ({@code HEAD}). */
    long held() throws IOException {
      Exchange head = requests.send("HEAD", location);
      head.expectSuccess();
      long length = uploadOffset(head, "Upload-Length");
      if (length != source.size()) {
        throw new IOException(what + ": the upload is of " + length + " bytes, the source of "
            + source.size());
      }
      return uploadOffset(head, "Upload-Offset");
    }

    private long uploadOffset(Exchange exchange, String header) throws IOException {
      return number(exchange.responseHeader(header), header);
    }

    private long number(String text, String header) throws IOException {
      if (text == null || !DIGITS.matcher(text).matches()) {
        throw new IOException(what + ": the answer has no valid " + header + ": " + text);
      }
      long value = Long.parseLong(text);
      if (value > source.size()) {
        throw new IOException(what + ": the server counts " + value + " bytes (" + header
            + ") of " + source.size());
      }
      return value;
    }

    /**
     * The version the upload became when the server finished it but the answer was lost (the
     * connection broke after the last byte): the upload is then gone ({@code notFound}), and
     * the object's latest version is of this content. Empty otherwise.
     */
    private Optional<ObjectVersion> finishedMeanwhile(ObjectNotFoundException notFound) {
      if (!sentAll) {
        return Optional.empty();
      }
      try {
        Exchange head = requests.send("HEAD", "/objects/" + name.urlSegment());
        head.expectSuccess();
        ObjectInfo latest = Answers.info(head, name, what);
        String hash = declared != null ? declared : source.hash();
        return latest.hash().equals(hash) && latest.size() == source.size()
            ? Optional.of(new ObjectVersion(name.value(), latest.version(), latest.size(),
                latest.hash()))
            : Optional.empty();
      } catch (IOException e) {
        notFound.addSuppressed(e);
        return Optional.empty();
      }
    }

    /** Deletes the upload unless asked to keep it, and returns {@code failure} to throw. */
    private IOException abandon(IOException failure) {
      if (!keep) {
        delete(failure);
      }
      return failure;
    }

    private UploadBrokenException gaveUp(long held, IOException last) {
      UploadBrokenException broken = new UploadBrokenException(what, location, held,
          source.size(), keep, retries.times(), last);
      return (UploadBrokenException) abandon(broken);
    }

    /**
     * Best effort: the server deletes it at its expiry anyway. A 409 means the server is still
     * letting go of the request that failed (it has yet to see its connection end), so it is
     * asked again a few times, even by a thread interrupted to stop (Ctrl-C).
     */
    private void delete(IOException failure) {
      boolean interrupted = Thread.interrupted();
      try {
        for (int attempt = 1; ; attempt++) {
          try {
            Exchange delete = requests.send("DELETE", location);
            delete.expectSuccess();
            delete.discardBody();
            return;
          } catch (OstoreClientException e) {
            if (e.status() != 409 || attempt == DELETE_ATTEMPTS) {
              failure.addSuppressed(e);
              return;
            }
          } catch (IOException e) {
            failure.addSuppressed(e);
            return;
          }
          try {
            Thread.sleep(DELETE_PAUSE_MILLIS);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Whether the upload may go on after {@code e}: a broken connection or a server that cannot
   * be reached, a 5xx, or a 409 (one writer at a time: the request that broke may not have let
   * go yet); not another 4xx.
   */
  private static boolean worthRetrying(IOException e) {
    if (e instanceof OstoreClientException answer) {
      return answer.status() >= 500 || answer.status() == 409;
    }
    return true;
  }
}
