package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A client of one ostore api server: stores, fetches, deletes, lists and locates versions of
 * named objects over the server's HTTP protocol, with nothing but the JDK.
 *
 * <pre>{@code
 * OstoreClient client = OstoreClient.builder(URI.create("http://127.0.0.1:8080"))
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build();
 * ObjectVersion v = client.put("report.pdf", Path.of("report.pdf"));  // version 1, 2, ...
 * long size = client.head("report.pdf").size();
 * try (InputStream in = client.open("report.pdf", v.version())) {
 *   in.transferTo(out);                       // throws at the end if the bytes are corrupt
 * } catch (ObjectNotFoundException e) {
 *   System.err.println(e.getMessage());       // the server's one-line reason
 * }
 * client.versions("report.pdf").forEach(System.out::println);  // oldest first, page by page
 * }</pre>
 *
 * <p><b>Versions.</b> Every put adds a version of the name, numbered 1, 2, 3...; reads without a
 * version number get the latest. A delete adds a tombstone: the name then reads as missing, but
 * each older version stays readable by its number.
 *
 * <p><b>Integrity.</b> Bytes are checked against their SHA-256 both ways. An upload of known
 * length (bytes, a file) sends its digest, and the server refuses bytes that do not match it; an
 * upload from a stream is hashed as it is sent and compared with the hash the server recorded.
 * A download is hashed as it is read and compared with the {@code Digest} header at its end. A
 * difference throws {@link DigestMismatchException}. (An api server run with {@code
 * INSTANT_UPLOAD=true} answers a put of content it holds already before reading the body;
 * {@code HttpURLConnection} cannot read such an answer, so that put throws an {@link
 * IOException} although the server recorded the version. Keep that option off for this client.)
 *
 * <p><b>Names.</b> Every method takes the object's name as the user wrote it and percent-encodes
 * it. A name the protocol forbids (empty, more than 255 UTF-8 bytes, a {@code /} or a control
 * character, {@code .} or {@code ..}) throws {@link IllegalArgumentException}, saying which rule,
 * before anything is sent.
 *
 * <p><b>Errors.</b> An error answer throws an {@link OstoreClientException} subclass carrying the
 * status and the server's one-line reason (for a HEAD too, which has no body: ostore servers
 * repeat the reason in a header). A server that cannot be reached (refused, timed out, unknown
 * host) throws {@link ServerUnreachableException}, whose message names the server's URL and
 * whose cause is the JDK's exception, such as {@link java.net.ConnectException}. A local file
 * that cannot be read or written throws a {@link java.nio.file.FileSystemException} naming it.
 * Other failures are plain {@link IOException}s. A GET body that ends before its Content-Length
 * always throws, never reads as a shorter object.
 *
 * <p><b>Threads and connections.</b> A client is immutable and thread-safe; share one. It owns no
 * resource, so it needs no closing: requests go through {@link java.net.HttpURLConnection}, which
 * was measured faster than {@code java.net.http.HttpClient} for large bodies, and whose JDK-wide
 * keep-alive pool keeps at most 5 idle connections per server unless the application sets the
 * system property {@code http.maxConnections} (for example {@code -Dhttp.maxConnections=64}) before
 * its first request. With more concurrent requests than that, the extra connections are closed
 * after use and each such request pays a new TCP handshake.
 *
 * <p><b>Timeouts.</b> The connect timeout bounds opening a connection; the request timeout bounds
 * each wait for the server's next bytes (not a whole transfer, which may rightly take minutes),
 * and a wait that runs out throws {@link RequestTimeoutException}, a {@link
 * java.net.SocketTimeoutException} naming the request, the server and the timeout. Writing an
 * upload body has no timeout of its own: {@code HttpURLConnection} offers none.
 */
public final class OstoreClient {
  /** A status lists at most 100 failures of each of two passes: far less than this. */
  private static final int MAX_PASS_STATUS_BYTES = 1 << 20;
  /** Bytes copied per step; also the chunk size of uploads of unknown length. */
  static final int BUFFER_SIZE = 64 * 1024;
  /** The most versions a listing page may hold, by the protocol. */
  static final int MAX_PAGE_SIZE = 10_000;

  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int DEFAULT_PAGE_SIZE = 1000;
  private static final Retries DEFAULT_RETRIES = new Retries(5, Duration.ofSeconds(1));
  /** See docs/decisions.md: above this, starting over costs far more than the POST. */
  private static final long DEFAULT_RESUMABLE_ABOVE = 64L << 20;
  /** A stream's bytes held in memory at once, and the most a break makes it send again. */
  private static final int DEFAULT_PIECE_SIZE = 8 << 20;
  /**
   * A file's bytes per resumable PUT: what an api server that dies mid-PUT loses, at about 3% of
   * a 1 GiB upload's time (docs/decisions.md).
   */
  private static final long DEFAULT_FILE_PIECE_SIZE = 256L << 20;
  private static final TransferListener SILENT = (bytes, size) -> { };
  /** Asks for the latest version: real version numbers start at 1. */
  private static final long LATEST = 0;

  private final String root;
  private final int connectMillis;
  private final int requestMillis;
  private final TransferListener listener;
  private final int pageSize;
  private final ObjectReads reads;
  private final ResumableUploads uploads;
  private final long resumableAbove;
  private final int pieceSize;
  private final long filePieceSize;

  private OstoreClient(Builder builder) {
    String path = builder.baseUri.getRawPath() == null ? "" : builder.baseUri.getRawPath();
    this.root = builder.baseUri.getScheme() + "://" + builder.baseUri.getRawAuthority()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    this.connectMillis = (int) builder.connectTimeout.toMillis();
    this.requestMillis = (int) builder.requestTimeout.toMillis();
    this.listener = builder.listener;
    this.pageSize = builder.pageSize;
    this.reads = new ObjectReads(this::send, listener, builder.retries);
    this.uploads = new ResumableUploads(this::send, listener, builder.uploadRetries,
        builder.keepBrokenUploads);
    this.resumableAbove = builder.resumableAbove;
    this.pieceSize = builder.pieceSize;
    this.filePieceSize = builder.filePieceSize;
  }

  /**
   * A builder of clients of the api server at {@code baseUri}, an {@code http} or {@code https}
   * URI such as {@code http://127.0.0.1:8080}; a path in it becomes the prefix of every request.
   */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /**
   * Stores {@code bytes} as the next version of the object {@code name}, and returns it;
   * resumably from {@link Builder#resumableAbove} bytes on, as {@link #put(String, Path)}.
   */
  public ObjectVersion put(String name, byte[] bytes) throws IOException {
    requireNonNull(bytes, "bytes");
    ObjectName objectName = new ObjectName(name);
    String digest = Sha256.of(bytes);
    Optional<ObjectVersion> resumed = resumably(objectName, UploadSource.of(bytes), digest);
    if (resumed.isPresent()) {
      return resumed.get();
    }
    return upload(objectName, new ByteArrayInputStream(bytes), bytes.length, digest);
  }

  /**
   * Stores {@code bytes} as the next version of the object {@code name} if {@code condition}
   * holds when the server records it, and returns it; throws {@link PreconditionFailedException},
   * recording nothing, if it does not. Sent as one request, never resumably, and its body only
   * once the server asks for it ({@code Expect: 100-continue}): a refused one sends none, unless
   * it is small enough (64 KiB) that an ostore server asks for it before checking.
   */
  public ObjectVersion put(String name, byte[] bytes, WriteCondition condition)
      throws IOException {
    requireNonNull(condition, "condition");
    return upload(new ObjectName(name), new ByteArrayInputStream(bytes), bytes.length,
        Sha256.of(bytes), condition);
  }

  /**
   * Stores the content of {@code file} as {@link #put(String, Path)} does, if {@code condition}
   * holds, as {@link #put(String, byte[], WriteCondition)} says: sent as one request whatever its
   * size, never resumably, so that the condition is checked when the version is recorded.
   */
  public ObjectVersion put(String name, Path file, WriteCondition condition)
      throws IOException {
    requireNonNull(condition, "condition");
    if (readableOnce(file)) {
      try (InputStream in = FileStreams.reading(file)) {
        return put(name, in, condition);
      }
    }
    ObjectName objectName = new ObjectName(name);
    Sha256.FileDigest digest = Sha256.of(file);
    try (InputStream in = FileStreams.reading(file)) {
      return upload(objectName, in, digest.size(), digest.base64(), condition);
    }
  }

  /**
   * Stores the content of {@code file} as the next version of the object {@code name}, and
   * returns it. The file is read twice, first for its digest and then streamed to the server,
   * never held in memory; it must not change meanwhile (if it does, the server refuses it). A
   * file that can be read only once (a FIFO, a device such as {@code /dev/stdin}) is sent as
   * {@link #put(String, InputStream)} sends a stream. A file that cannot be read (missing, a
   * directory, unreadable) throws a {@link java.nio.file.FileSystemException} naming it.
   *
   * <p>A file of {@link Builder#resumableAbove} bytes or more is sent resumably, in {@code PUT}s
   * of 256 MiB at most, each durable on the server before the next: should the connection break
   * (or the server answer 5xx, or die), the client asks how many bytes the server holds and
   * sends the rest, as {@link Builder#uploadRetries} allow, telling the {@link
   * TransferListener#resumed} each time; when they run out it throws {@link
   * UploadBrokenException}.
   */
  public ObjectVersion put(String name, Path file) throws IOException {
    if (readableOnce(file)) {
      try (InputStream in = FileStreams.reading(file)) {
        return put(name, in);
      }
    }
    ObjectName objectName = new ObjectName(name);
    Sha256.FileDigest digest = Sha256.of(file);
    Optional<ObjectVersion> resumed =
        resumably(objectName, UploadSource.of(file, digest.size(), filePieceSize),
            digest.base64());
    if (resumed.isPresent()) {
      return resumed.get();
    }
    try (InputStream in = FileStreams.reading(file)) {
      return upload(objectName, in, digest.size(), digest.base64());
    }
  }

  /**
   * Stores everything {@code in} yields until its end as the next version of the object {@code
   * name}, streamed in chunks of unknown total length, and returns it. The caller still owns and
   * closes {@code in}.
   *
   * <p>The digest cannot go ahead of a body of unknown length, so the server cannot check it:
   * the client hashes the bytes as it sends them and compares that with the hash the server
   * answers. If they differ, the bytes were changed on the way and this throws {@link
   * DigestMismatchException}; the server has then recorded the version anyway ({@link
   * DigestMismatchException#recorded()}), and the caller should store the object again or delete
   * it. Such a version stays readable by its number.
   */
  public ObjectVersion put(String name, InputStream in) throws IOException {
    ObjectName objectName = new ObjectName(name);
    return upload(objectName, requireNonNull(in, "in"), -1, null);
  }

  /**
   * Stores everything {@code in} yields as {@link #put(String, InputStream)} does, if {@code
   * condition} holds, as {@link #put(String, byte[], WriteCondition)} says.
   */
  public ObjectVersion put(String name, InputStream in, WriteCondition condition)
      throws IOException {
    requireNonNull(condition, "condition");
    return upload(new ObjectName(name), requireNonNull(in, "in"), -1, null, condition);
  }

  /**
   * Stores the first {@code size} bytes {@code in} yields as the next version of the object
   * {@code name}, and returns it; a stream that ends before is an {@link IOException}, and the
   * caller still owns and closes {@code in}. The bytes are hashed as they are read and compared
   * with the hash the server answers, as by {@link #put(String, InputStream)}.
   *
   * <p>From {@link Builder#resumableAbove} bytes on, the upload is resumable as a file's is (see
   * {@link #put(String, Path)}), sent in pieces of 8 MiB: only the piece being sent is held in
   * memory, and a broken connection makes the client send again at most that piece.
   */
  public ObjectVersion put(String name, InputStream in, long size) throws IOException {
    ObjectName objectName = new ObjectName(name);
    requireNonNull(in, "in");
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative");
    }
    Optional<ObjectVersion> resumed =
        resumably(objectName, UploadSource.of(in, size, pieceSize), null);
    if (resumed.isPresent()) {
      return resumed.get();
    }
    return upload(objectName, in, size, null);
  }

  /**
   * Finishes the upload of {@code file} as the object {@code name} that an earlier put left at
   * {@code location} ({@link UploadBrokenException#location()}, kept with {@link
   * Builder#keepBrokenUploads}): asks the server how many bytes it holds, sends the rest, and
   * returns the version. The file must be the one that upload started with (the server checks
   * its SHA-256 at the end); an upload that expired or was finished is an {@link
   * OstoreClientException} of status 410 or 404.
   */
  public ObjectVersion resumeUpload(String name, String location, Path file) throws IOException {
    ObjectName objectName = new ObjectName(name);
    requireNonNull(location, "location");
    Sha256.FileDigest digest = Sha256.of(file);
    return uploads.resume(objectName, location,
        UploadSource.of(file, digest.size(), filePieceSize), digest.base64());
  }

  /**
   * Writes the latest version of the object {@code name} to {@code out}, which stays open, and
   * returns its size. See {@link #get(String, long, OutputStream)}.
   */
  public long get(String name, OutputStream out) throws IOException {
    return download(name, LATEST, out);
  }

  /**
   * Writes version {@code version} of the object {@code name} to {@code out}, which stays open,
   * and returns its size. If the transfer fails part way, or the bytes turn out not to have
   * their SHA-256 ({@link DigestMismatchException}, thrown after the last byte), {@code out} has
   * already received them.
   */
  public long get(String name, long version, OutputStream out) throws IOException {
    return download(name, checkVersion(version), out);
  }

  /**
   * Downloads the latest version of the object {@code name} into {@code file}. See {@link
   * #get(String, long, Path)}.
   */
  public long get(String name, Path file) throws IOException {
    return download(name, LATEST, file);
  }

  /**
   * Downloads version {@code version} of the object {@code name} into {@code file}, and returns
   * its size. What happens depends on what {@code file} is, as with {@code cp}:
   *
   * <ul>
   *   <li>A regular file, or a path where nothing is yet, is replaced at once: the bytes go to a
   *       temporary file in the same directory ({@code .ostore-<random>.part}), which is checked
   *       against the object's SHA-256, given the old file's permissions, forced to disk and
   *       renamed over {@code file}. On any failure, a corrupt download included, {@code file}
   *       is left as it was and no temporary file stays. The directory must be writable.
   *   <li>A symbolic link is followed, link by link, and its final target replaced that way;
   *       the link itself stays.
   *   <li>A directory stands for the file named {@code name} in it. A name the file system
   *       cannot hold as a file name (possible on Windows, never on Linux) is refused with the
   *       reason, not changed into another name.
   *   <li>Anything else (a device such as {@code /dev/null}, a FIFO, {@code /dev/stdout} or
   *       {@code /dev/fd/N}) is opened and written in place, appended to; it is never replaced.
   *       Bytes written before a failure stay written.
   * </ul>
   *
   * <p>A failure of the file (no such directory, no permission, a full disk) throws a {@link
   * java.nio.file.FileSystemException} naming {@code file}, or the file in the directory.
   */
  public long get(String name, long version, Path file) throws IOException {
    return download(name, checkVersion(version), file);
  }

  /**
   * Finishes a download of the latest version of {@code name} into {@code file} that an earlier
   * one left part way, in place: keeps the bytes {@code file} holds, asks only for the rest and
   * appends them, then checks the SHA-256 of the whole file; returns the object's size. The file
   * is written in place, not replaced, so that a download broken again leaves more to keep. A
   * file whose bytes prove not to be the start of the object is a {@link
   * DigestMismatchException}, and is cut back to the bytes it held, left as it was: download it
   * afresh with {@link #get(String, Path)}. A directory stands for the file {@code name} in it.
   */
  public long resume(String name, Path file) throws IOException {
    return resumeVersion(name, LATEST, file);
  }

  /** As {@link #resume(String, Path)}, for version {@code version} of {@code name}. */
  public long resume(String name, long version, Path file) throws IOException {
    return resumeVersion(name, checkVersion(version), file);
  }

  /** Opens the latest version of the object {@code name}. See {@link #open(String, long)}. */
  public InputStream open(String name) throws IOException {
    return openVersion(name, LATEST);
  }

  /**
   * Opens version {@code version} of the object {@code name} for streaming. The caller must close
   * the stream; reading it to the end first lets the connection be reused. The stream hashes what
   * it reads, and the {@code read} that reaches the end throws {@link DigestMismatchException}
   * instead of returning -1 if the bytes are not those the server declared, or an {@link
   * java.io.EOFException} if the connection ended before the whole object arrived.
   */
  public InputStream open(String name, long version) throws IOException {
    return openVersion(name, checkVersion(version));
  }

  /** Opens {@code range} of the latest version of {@code name}. See {@link #open(String, long,
   * ByteRange)}. */
  public InputStream open(String name, ByteRange range) throws IOException {
    return openRange(name, LATEST, range);
  }

  /**
   * Opens the bytes {@code range} names of version {@code version} of {@code name}, for
   * streaming: only they are read, from the data servers that hold them. Their SHA-256 is not
   * that of the object, so it is not checked here: the servers check every block they read
   * against its CRC32C. A connection that breaks is resumed as a whole download's is (see
   * {@link Builder#downloadRetries}); the {@code read} that reaches the end throws {@link
   * java.io.EOFException} if all of them could not come. A range that starts past the end is an
   * {@link OstoreClientException} of status 416.
   */
  public InputStream open(String name, long version, ByteRange range) throws IOException {
    return openRange(name, checkVersion(version), range);
  }

  /** Tells the latest version of the object {@code name} without transferring it. */
  public ObjectInfo head(String name) throws IOException {
    return headVersion(name, LATEST);
  }

  /** Tells the size and hash of version {@code version} of {@code name} without its bytes. */
  public ObjectInfo head(String name, long version) throws IOException {
    return headVersion(name, checkVersion(version));
  }

  /**
   * Deletes the object {@code name}: records a tombstone as its next version, and returns it.
   * The name then reads as missing and leaves the listing of live objects, but its earlier
   * versions stay readable by number. Throws {@link ObjectNotFoundException} when there is no
   * live object of that name (it never existed, or it is deleted already).
   */
  public ObjectVersion delete(String name) throws IOException {
    return deleteLatest(name, null);
  }

  /**
   * Deletes the object {@code name} as {@link #delete(String)} does, if {@code condition} holds
   * for its latest version; throws {@link PreconditionFailedException}, deleting nothing, if it
   * does not, and {@link ObjectNotFoundException} when there is no live object, whatever the
   * condition.
   */
  public ObjectVersion delete(String name, WriteCondition condition) throws IOException {
    return deleteLatest(name, requireNonNull(condition, "condition"));
  }

  /** A tombstone for {@code name}, under {@code condition} unless it is null. */
  private ObjectVersion deleteLatest(String name, WriteCondition condition) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Exchange exchange = send("DELETE", objectPath(objectName, LATEST));
    if (condition != null) {
      condition.applyTo(exchange);
    }
    exchange.expectSuccess();
    ObjectVersion tombstone = Answers.version(exchange, objectName, "DELETE " + objectName);
    if (!tombstone.isDeleted()) {
      throw new IOException("DELETE " + objectName + ": the answer is no tombstone: "
          + tombstone);
    }
    return tombstone;
  }

  /**
   * Removes version {@code version} of the object {@code name} for good, tombstone or not ({@code
   * DELETE ?version=N}); the name's numbers are never given out again. Its content is freed by a
   * later garbage collection, once no version refers to it. Throws {@link
   * ObjectNotFoundException} when there is no such version.
   */
  public void deleteVersion(String name, long version) throws IOException {
    ObjectName objectName = new ObjectName(name);
    send("DELETE", objectPath(objectName, checkVersion(version))).expectSuccess();
  }

  /**
   * Every version of the object {@code name}, oldest first, tombstones included; empty when the
   * name never existed. See {@link #list(String)} for how the stream is read.
   */
  public Stream<ObjectVersion> versions(String name) throws IOException {
    return listing("/versions/" + new ObjectName(name).urlSegment(), "");
  }

  /**
   * The live objects whose names start with {@code prefix} ({@code ""} for all): the latest
   * version of each, by name in the byte order of its UTF-8, deleted objects left out.
   *
   * <p>The stream is lazy and holds one page (up to 1000 versions) at a time, whatever the size
   * of the listing: the first page is fetched before this returns, and errors asking for it are
   * thrown here; each further page is fetched when the stream reaches it, and a failure then is
   * an {@link java.io.UncheckedIOException} from the terminal operation. The stream runs to the
   * true end of the listing or fails; it never ends early. It holds no connection between pages,
   * so a caller may stop part way without closing it.
   */
  public Stream<ObjectVersion> list(String prefix) throws IOException {
    return listing("/objects/", prefixQuery(prefix));
  }

  /**
   * Every version, tombstones included, of every name that starts with {@code prefix} ({@code ""}
   * for all), by name then version. See {@link #list(String)} for how the stream is read.
   */
  public Stream<ObjectVersion> allVersions(String prefix) throws IOException {
    return listing("/versions/", prefixQuery(prefix));
  }

  /**
   * Tells where the content of the latest version of the object {@code name} is on the data
   * servers (see {@link Location}), or throws {@link ObjectNotFoundException} when there is none.
   */
  public Location locate(String name) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Exchange exchange = send("GET", "/locate/" + objectName.urlSegment());
    exchange.expectSuccess();
    return Answers.location(exchange, "locate " + objectName);
  }

  /**
   * The api server's repair service as JSON ({@code GET /repair}): its state, the pass running
   * and the last pass, with what each found, rebuilt and failed to repair.
   */
  public String repairStatus() throws IOException {
    return repair("GET");
  }

  /**
   * Starts a repair pass now, unless one is running ({@code POST /repair}); returns the status
   * JSON as {@link #repairStatus()} does.
   */
  public String startRepair() throws IOException {
    return repair("POST");
  }

  /**
   * The api server's garbage collection as JSON ({@code GET /collect}): its state, the pass
   * running and the last pass, with what each removed, held, restored and failed to collect.
   */
  public String collectStatus() throws IOException {
    return pass("GET", "/collect");
  }

  /**
   * Starts a garbage collection pass now, unless one is running ({@code POST /collect}); a dry
   * run counts what it would free and changes nothing. Returns the status JSON as {@link
   * #collectStatus()} does.
   */
  public String collect(boolean dryRun) throws IOException {
    return pass("POST", dryRun ? "/collect?dry-run=true" : "/collect");
  }

  private String repair(String method) throws IOException {
    return pass(method, "/repair");
  }

  /** The JSON of a background pass's endpoint, {@code /repair} or {@code /collect}. */
  private String pass(String method, String path) throws IOException {
    Exchange exchange = send(method, path);
    exchange.expectSuccess();
    return exchange.smallBody(MAX_PASS_STATUS_BYTES);
  }

  /**
   * Tells the address of the data server holding the content whose SHA-256 is {@code sha256}, in
   * hex or base64 (as {@link ObjectVersion#hash()} gives it). A hash the server cannot read is a
   * {@link BadRequestException}.
   */
  public Location locateContent(String sha256) throws IOException {
    requireNonNull(sha256, "sha256");
    Exchange exchange = send("GET", "/locate/?hash=" + PercentEncoding.encode(sha256));
    exchange.expectSuccess();
    return Answers.location(exchange, "locate content " + sha256);
  }

  @Override
  public String toString() {
    return "OstoreClient(" + root + ")";
  }

  private long download(String name, long version, OutputStream out) throws IOException {
    requireNonNull(out, "out");
    try (BodyInputStream in = openVersion(name, version)) {
      return copy(in, out, -1, in.size(), SILENT);
    }
  }

  private long download(String name, long version, Path file) throws IOException {
    requireNonNull(file, "file");
    try (BodyInputStream in = openVersion(name, version)) {
      return Downloads.save(file, name, out -> copy(in, out, -1, in.size(), SILENT));
    }
  }

  /**
   * The object's body, asked for gzip and decoded (content stored compressed comes as its stored
   * blocks, several times fewer bytes), checked against its SHA-256, and resumed where its
   * connection breaks with {@code If-Range} set to its entity tag: should the object have changed
   * meanwhile (a new latest version), the rest is not mixed in, and the read fails.
   */
  private BodyInputStream openVersion(String name, long version) throws IOException {
    ObjectName objectName = new ObjectName(name);
    return reads.whole(objectPath(objectName, version), "GET " + describe(objectName, version));
  }

  private long resumeVersion(String name, long version, Path file) throws IOException {
    requireNonNull(file, "file");
    ObjectName objectName = new ObjectName(name);
    Path target = DownloadTarget.of(file, name).path(); // a directory: the file NAME in it
    return reads.finish(target, objectPath(objectName, version),
        "GET " + describe(objectName, version) + " into " + target);
  }

  private InputStream openRange(String name, long version, ByteRange range) throws IOException {
    requireNonNull(range, "range");
    ObjectName objectName = new ObjectName(name);
    return reads.range(objectPath(objectName, version), range,
        "GET " + range + " of " + describe(objectName, version));
  }

  private ObjectInfo headVersion(String name, long version) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Exchange exchange = send("HEAD", objectPath(objectName, version));
    exchange.expectSuccess();
    return Answers.info(exchange, objectName, "HEAD " + describe(objectName, version));
  }

  private ObjectVersion upload(ObjectName name, InputStream in, long size, String declared)
      throws IOException {
    return upload(name, in, size, declared, null);
  }

  /** One PUT, under {@code condition} unless it is null. */
  private ObjectVersion upload(ObjectName name, InputStream in, long size, String declared,
      WriteCondition condition) throws IOException {
    Exchange exchange = send("PUT", objectPath(name, LATEST));
    if (declared != null) {
      exchange.header("Digest", "SHA-256=" + declared);
    }
    if (condition != null) {
      condition.applyTo(exchange);
    }
    // Without a declared digest the server cannot check the body: hash it on the way instead.
    MessageDigest digest = declared == null ? Sha256.newDigest() : null;
    long sent;
    // Refused under a condition, the body is never sent: past what the server drains (1 GiB)
    // it would be reset.
    try (OutputStream body = condition != null ? exchange.sendBodyOnceAsked(size)
        : exchange.sendBody(size)) {
      OutputStream out = digest != null ? new DigestOutputStream(body, digest) : body;
      sent = copy(in, out, size, size, listener);
      if (size >= 0 && sent < size) {
        throw new IOException(
            "PUT " + name + ": the source ended after " + sent + " of " + size + " bytes");
      }
    }
    exchange.expectSuccess();
    String what = "PUT " + name;
    ObjectVersion version = Answers.version(exchange, name, what);
    String hash = declared != null ? declared : Sha256.base64(digest.digest());
    if (!version.hash().equals(hash) || version.size() != sent) {
      throw DigestMismatchException.upload(what, version, hash, sent);
    }
    return version;
  }

  /**
   * The version a resumable upload of {@code source} stored; empty when its size is below the
   * threshold, or the server takes no resumable uploads: then the caller sends one PUT.
   */
  private Optional<ObjectVersion> resumably(ObjectName name, UploadSource source, String digest)
      throws IOException {
    return resumableAbove > 0 && source.size() >= resumableAbove
        ? uploads.put(name, source, digest) : Optional.empty();
  }

  private Stream<ObjectVersion> listing(String path, String query) throws IOException {
    return Listing.stream(cursor -> {
      String url = path + "?limit=" + pageSize + query
          + cursor.map(c -> "&cursor=" + PercentEncoding.encode(c)).orElse("");
      Exchange exchange = send("GET", url);
      exchange.expectSuccess();
      return Answers.page(exchange, pageSize, "GET " + url);
    });
  }

  private static String prefixQuery(String prefix) {
    requireNonNull(prefix, "prefix");
    return prefix.isEmpty() ? "" : "&prefix=" + PercentEncoding.encode(prefix);
  }

  private static String objectPath(ObjectName name, long version) {
    return "/objects/" + name.urlSegment() + (version == LATEST ? "" : "?version=" + version);
  }

  private static String describe(ObjectName name, long version) {
    return version == LATEST ? name.toString() : name + " version " + version;
  }

  private static long checkVersion(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version (" + version + ") must be at least 1");
    }
    return version;
  }

  private Exchange send(String method, String pathAndQuery) throws IOException {
    return Exchange.open(method, root, pathAndQuery, connectMillis, requestMillis);
  }

  /**
   * Copies until the end of {@code in}, or {@code limit} bytes when it is not -1. {@code expected}
   * bytes (-1: unknown) size the buffer, so that a small object does not cost 64 KiB of it.
   */
  private static long copy(InputStream in, OutputStream out, long limit, long expected,
      TransferListener listener) throws IOException {
    byte[] buffer = new byte[expected < 0 ? BUFFER_SIZE
        : (int) Math.max(1, Math.min(BUFFER_SIZE, expected))];
    long total = 0;
    while (limit < 0 || total < limit) {
      if (Thread.currentThread().isInterrupted()) {
        throw interruptedAfter(total);
      }
      int want = limit < 0 ? buffer.length : (int) Math.min(buffer.length, limit - total);
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      total += n;
      listener.transferred(total, limit);
    }
    return total;
  }

  /** Whether {@code file} is a FIFO or a device: what it yields cannot be read again. */
  private static boolean readableOnce(Path file) {
    return Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file);
  }

  /**
   * What ends a transfer whose thread was interrupted (a task cancelled, a command line stopped
   * by Ctrl-C) after {@code bytes}: checked between two writes, since neither a socket nor a
   * stream from {@link java.nio.file.Files#newInputStream} heeds an interrupt itself.
   */
  static InterruptedIOException interruptedAfter(long bytes) {
    InterruptedIOException interrupted =
        new InterruptedIOException("interrupted after " + bytes + " bytes");
    interrupted.bytesTransferred = (int) Math.min(bytes, Integer.MAX_VALUE);
    return interrupted;
  }

  /** Settings of a client to build. Not thread-safe; the built clients are. */
  public static final class Builder {
    private final URI baseUri;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private TransferListener listener = SILENT;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private Retries retries = DEFAULT_RETRIES;
    private Retries uploadRetries = DEFAULT_RETRIES;
    private long resumableAbove = DEFAULT_RESUMABLE_ABOVE;
    private boolean keepBrokenUploads;
    private int pieceSize = DEFAULT_PIECE_SIZE;
    private long filePieceSize = DEFAULT_FILE_PIECE_SIZE;

    private Builder(URI baseUri) {
      requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("base URI must be http or https: " + baseUri);
      }
      if (baseUri.getHost() == null) {
        throw new IllegalArgumentException("base URI has no host: " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalArgumentException("base URI must have no query or fragment: " + baseUri);
      }
      this.baseUri = baseUri;
    }

    /** How long to wait for a connection to open; 10 seconds unless set. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for each next byte of an answer; 60 seconds unless set. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkTimeout(timeout, "requestTimeout");
      return this;
    }

    /** Who is told of the bytes each transfer moves; nobody unless set. */
    public Builder transferListener(TransferListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How many times a download (a whole object, or a range) whose connection breaks, or ends
     * early, goes on from where it broke ({@code Range} with {@code If-Range}, so that the rest
     * is of the same content), and how long it waits before each; 5 times, a second apart,
     * unless set. 0 turns it off.
     */
    public Builder downloadRetries(int times, Duration pause) {
      this.retries = new Retries(times, pause);
      return this;
    }

    /**
     * The size from which an upload of known size (a file, an array, a stream with its size)
     * goes through the resumable protocol instead of one PUT; 64 MiB unless set. 0 turns it
     * off: every upload is then one PUT, which a broken connection starts over.
     */
    public Builder resumableAbove(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes (" + bytes + ") must not be negative");
      }
      this.resumableAbove = bytes;
      return this;
    }

    /**
     * How many times in a row a resumable upload whose connection breaks, or that the server
     * answers with a 5xx or 409, is taken up again from the bytes the server holds without it
     * gaining any, and how long it waits before the first; the wait doubles for each next one,
     * up to 32 times {@code pause}. 5 times from a second (1, 2, 4, 8 and 16 s) unless set. Any
     * byte the server gains starts the count again, so a long upload over a link that drops now
     * and then goes on as long as it moves. 0 gives up at the first failure.
     */
    public Builder uploadRetries(int times, Duration pause) {
      this.uploadRetries = new Retries(times, pause);
      return this;
    }

    /**
     * Keep a resumable upload on the server when it breaks for good ({@link
     * UploadBrokenException}), to finish it later with {@link OstoreClient#resumeUpload};
     * by default the client deletes it.
     */
    public Builder keepBrokenUploads(boolean keep) {
      this.keepBrokenUploads = keep;
      return this;
    }

    /** Bytes of a stream sent per resumable PUT, held in memory; 8 MiB unless set. For tests. */
    Builder uploadPieceSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes (" + bytes + ") must be at least 1");
      }
      this.pieceSize = bytes;
      return this;
    }

    /** Bytes of a file sent per resumable PUT; 256 MiB unless set. For tests. */
    Builder filePieceSize(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes (" + bytes + ") must be at least 1");
      }
      this.filePieceSize = bytes;
      return this;
    }

    /** Versions per listing request, 1 to 10,000; 1000 unless set. For tests of paging. */
    Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new IllegalArgumentException(
            "pageSize (" + pageSize + ") must be from 1 to " + MAX_PAGE_SIZE);
      }
      this.pageSize = pageSize;
      return this;
    }

    public OstoreClient build() {
      return new OstoreClient(this);
    }

    private static Duration checkTimeout(Duration timeout, String what) {
      requireNonNull(timeout, what);
      // HttpURLConnection takes int milliseconds, and reads 0 as "wait forever".
      if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            what + " (" + timeout + ") must be between 1 ms and " + Integer.MAX_VALUE + " ms");
      }
      return timeout;
    }
  }
}
