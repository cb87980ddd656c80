package dev.ostore.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A scriptable stand-in for the ostore api server, on loopback port 0: it keeps the versions of
 * each name in memory, answers objects, versions and listings (paged with {@code limit} and
 * {@code Next-Cursor}) and locate, records every request, and can be told to answer the next
 * request with an error, to cut GET bodies short, to change a byte of GET bodies (keeping their
 * Digest), or to store something else than the bytes of a PUT. It speaks the protocol's happy
 * path and these failures; the real server is tested elsewhere.
 *
 * <p>It also speaks the resumable uploads of docs/protocol.md: {@code POST /objects/<name>} with
 * {@code Size} and an optional {@code Digest} (200 with the version when content of that digest
 * is stored already, else 201 with {@code Location: /temp/<token>}), {@code HEAD}, {@code PUT}
 * (with {@code Range: bytes=<offset>-}; 416 with {@code Upload-Offset} when the offset is not
 * the bytes held) and {@code DELETE} of {@code /temp/<token>}. It keeps every byte of a PUT body
 * that arrived, also when the body breaks off, and can be told to cut PUT bodies part way.
 */
public final class FakeOstoreServer implements AutoCloseable {
  /** What the server saw of one request; {@code rawQuery} is null when there is none. */
  public record Request(String method, String rawPath, String rawQuery, Headers headers,
      long bodyBytes) {}

  /** One stored version; {@code bytes} is null for a tombstone. */
  private record Version(String name, long number, byte[] bytes) {
    String hash() {
      return bytes == null ? "" : sha256(bytes);
    }

    String line() {
      return "{\"Name\":" + quote(name) + ",\"Version\":" + number + ",\"Size\":"
          + (bytes == null ? 0 : bytes.length) + ",\"Hash\":\"" + hash() + "\"}\n";
    }
  }

  /** A resumable upload: what POST declared and the bytes PUTs brought so far. */
  private static final class TempUpload {
    final String name;
    final long size;
    final String digest;
    /** Guarded by this upload. */
    final ByteArrayOutputStream held = new ByteArrayOutputStream();
    final AtomicBoolean writing = new AtomicBoolean();

    TempUpload(String name, long size, String digest) {
      this.name = name;
      this.size = size;
      this.digest = digest;
    }

    synchronized long held() {
      return held.size();
    }
  }

  /** An error answer to give once, instead of the normal one, after {@code skip} requests. */
  private record ScriptedError(int status, String message, int skip) {}

  /** Names in the byte order of their UTF-8, as the real server lists them. */
  private static final Comparator<String> UTF8_ORDER = Comparator.comparing(
      name -> name.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

  /** The bytes of a GET body written between two pauses when {@link #slowly}. */
  private static final int SLOW_PIECE = 8192;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  /** Guarded by itself. */
  private final TreeMap<String, List<Version>> names = new TreeMap<>(UTF8_ORDER);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<ScriptedError> nextError = new AtomicReference<>();
  private volatile boolean cutGetBodies;
  private volatile boolean stallGetBodies;
  private volatile boolean tamperGetBodies;
  private volatile boolean corruptPuts;
  private final Map<String, TempUpload> uploads = new ConcurrentHashMap<>();
  private final AtomicInteger uploadCuts = new AtomicInteger();
  private volatile long cutUploadsAfter;
  private final AtomicInteger staleHeads = new AtomicInteger();
  private volatile boolean loseCompletion;
  private volatile boolean slowly;
  private final AtomicLong uploadedBytes = new AtomicLong();

  public FakeOstoreServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/objects/", this::objects);
    server.createContext("/versions/", this::versions);
    server.createContext("/locate/", this::locate);
    server.createContext("/temp/", this::temp);
    // Set before start: by default the JDK server runs every handler on its one dispatcher.
    server.setExecutor(executor);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The bytes of the latest version of {@code name}, or null when it is missing or deleted. */
  public byte[] object(String name) {
    Version latest = latest(name);
    return latest == null || latest.bytes() == null ? null : latest.bytes().clone();
  }

  /** How many versions {@code name} has, tombstones included. */
  public int versionsOf(String name) {
    synchronized (names) {
      return names.getOrDefault(name, List.of()).size();
    }
  }

  /** Adds a version of {@code name} with {@code bytes}, as a PUT would. */
  public void store(String name, byte[] bytes) {
    add(name, bytes.clone());
  }

  /** The next request, whatever it is, gets this status and one-line message. */
  public void answerNextWith(int status, String message) {
    answerLaterWith(0, status, message);
  }

  /** The request after the next {@code skip} ones gets this status and one-line message. */
  public void answerLaterWith(int skip, int status, String message) {
    nextError.set(new ScriptedError(status, message, skip));
  }

  /** Sends GET bodies, and reads upload bodies, about 4 MB a second: a transfer to stop. */
  public void slowly() {
    slowly = true;
  }

  /** Bytes that PUTs to {@code /temp/} brought so far, whether kept or not. */
  public long uploadedBytes() {
    return uploadedBytes.get();
  }

  /** GETs announce the whole Content-Length but send only half, then drop the connection. */
  public void cutGetBodies() {
    cutGetBodies = true;
  }

  /** GETs announce the whole Content-Length, send half, then nothing more until closed. */
  public void stallGetBodies() {
    stallGetBodies = true;
  }

  /** GETs send every byte with the right Digest, but the first byte of the body changed. */
  public void tamperGetBodies() {
    tamperGetBodies = true;
  }

  /** PUTs without a Digest header store and answer the body with its first byte changed. */
  public void corruptPuts() {
    corruptPuts = true;
  }

  /**
   * The next {@code times} {@code PUT /temp/} requests keep the first {@code after} bytes of
   * their body, then drop the connection, as a broken link would.
   */
  public void cutUploads(int times, long after) {
    cutUploadsAfter = after;
    uploadCuts.set(times);
  }

  /** The next {@code times} {@code HEAD /temp/} answer that the upload holds no bytes. */
  public void staleHeads(int times) {
    staleHeads.set(times);
  }

  /** The next PUT that finishes an upload records the version, then drops the connection. */
  public void loseNextCompletion() {
    loseCompletion = true;
  }

  /** How many resumable uploads are neither finished nor deleted. */
  public int openUploads() {
    return uploads.size();
  }

  /** The bytes the one open upload holds. */
  public long heldByOpenUpload() {
    return uploads.values().iterator().next().held();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void objects(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = received(exchange);
      if (answeredScriptedError(exchange)) {
        return;
      }
      String name = name(exchange, "/objects/");
      String method = exchange.getRequestMethod();
      if (name.isEmpty() && method.equals("GET")) {
        list(exchange, v -> v.name().startsWith(query(exchange, "prefix", "")), true);
        return;
      }
      switch (method) {
        case "PUT" -> put(exchange, name, body);
        case "POST" -> post(exchange, name, body);
        case "GET", "HEAD" -> get(exchange, name);
        case "DELETE" -> delete(exchange, name);
        default -> {
          exchange.getResponseHeaders().set("Allow", "DELETE, GET, HEAD, POST, PUT");
          answer(exchange, 405, "method not allowed: " + method);
        }
      }
    }
  }

  private void put(HttpExchange exchange, String name, byte[] body) throws IOException {
    String digest = exchange.getRequestHeaders().getFirst("Digest");
    if (digest != null && !digest.equals("SHA-256=" + sha256(body))) {
      answer(exchange, 400, "the body's SHA-256 is " + sha256(body) + ", not the one of "
          + digest);
      return;
    }
    if (corruptPuts && digest == null && body.length > 0) {
      body[0] ^= 1;
    }
    Version version = add(name, body);
    digestHeaders(exchange, version);
    answerLines(exchange, version.line());
  }

  /** Starts a resumable upload, or records a version of content stored already. */
  private void post(HttpExchange exchange, String name, byte[] body) throws IOException {
    String size = exchange.getRequestHeaders().getFirst("Size");
    String digest = exchange.getRequestHeaders().getFirst("Digest");
    if (size == null || !size.matches("[0-9]{1,18}") || body.length > 0
        || (digest != null && !digest.startsWith("SHA-256="))) {
      answer(exchange, 400, "POST needs a decimal Size, no body and at most a SHA-256 Digest");
      return;
    }
    String hash = digest == null ? null : digest.substring("SHA-256=".length());
    byte[] stored = null;
    synchronized (names) {
      for (List<Version> versions : names.values()) {
        for (Version version : versions) {
          if (version.bytes() != null && version.hash().equals(hash)
              && version.bytes().length == Long.parseLong(size)) {
            stored = version.bytes();
          }
        }
      }
    }
    if (stored != null) {
      Version version = add(name, stored);
      digestHeaders(exchange, version);
      answerLines(exchange, version.line());
      return;
    }
    String token = String.format("%032x.%d.c2lnbmVk", new BigInteger(128, new SecureRandom()),
        Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
    uploads.put(token, new TempUpload(name, Long.parseLong(size), hash));
    Headers headers = exchange.getResponseHeaders();
    headers.set("Location", "/temp/" + token);
    headers.set("Upload-Offset", "0");
    headers.set("Upload-Length", size);
    headers.set("Upload-Expires", "Fri, 04 Dec 2026 12:00:00 GMT");
    answer(exchange, 201, "/temp/" + token);
  }

  private void temp(HttpExchange exchange) throws IOException {
    try (exchange) {
      String token = exchange.getRequestURI().getRawPath().substring("/temp/".length());
      TempUpload upload = uploads.get(token);
      String method = exchange.getRequestMethod();
      if (method.equals("PUT") && upload != null) {
        ScriptedError error = takeScriptedError();
        if (error == null) {
          append(exchange, token, upload);
        } else {
          received(exchange);
          answer(exchange, error.status(), error.message());
        }
        return;
      }
      received(exchange);
      if (answeredScriptedError(exchange)) {
        return;
      }
      if (upload == null) {
        answer(exchange, 404, "no upload " + token);
        return;
      }
      switch (method) {
        case "HEAD" -> {
          Headers headers = exchange.getResponseHeaders();
          // A lagging HEAD tells none of the bytes, as one racing a broken PUT could.
          long held = staleHeads.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 0 : upload.held();
          headers.set("Content-Length", Long.toString(held));
          headers.set("Upload-Offset", Long.toString(held));
          headers.set("Upload-Length", Long.toString(upload.size));
          headers.set("Cache-Control", "no-store");
          exchange.sendResponseHeaders(200, -1);
        }
        case "DELETE" -> {
          uploads.remove(token);
          exchange.sendResponseHeaders(204, -1);
        }
        default -> {
          exchange.getResponseHeaders().set("Allow", "DELETE, HEAD, PUT");
          answer(exchange, 405, "method not allowed: " + method);
        }
      }
    }
  }

  /** An answer to send once the request is recorded and its upload let go. */
  @FunctionalInterface
  private interface Reply {
    void send() throws IOException;
  }

  /**
   * {@code PUT /temp/<token>}: appends the body as it arrives, keeping what came if it breaks.
   * The request is recorded, and the upload let go, before the answer: a client that has it
   * may send the next request at once.
   */
  private void append(HttpExchange exchange, String token, TempUpload upload) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    long cut = uploadCuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? cutUploadsAfter : -1;
    long arrived = 0;
    boolean writer = false;
    Reply reply = null; // none: the connection is dropped
    try (InputStream in = exchange.getRequestBody()) {
      if (range != null && !range.matches("bytes=[0-9]{1,18}-")) {
        reply = () -> answer(exchange, 400, "bad Range: " + range);
      } else if (!(writer = upload.writing.compareAndSet(false, true))) {
        in.transferTo(OutputStream.nullOutputStream());
        reply = () -> answer(exchange, 409, "another request is writing upload " + token);
      } else {
        long offset = range == null ? 0 : Long.parseLong(range.substring(6, range.length() - 1));
        long held = upload.held();
        if (offset != held) {
          in.transferTo(OutputStream.nullOutputStream()); // so the client reads the answer
          reply = () -> {
            exchange.getResponseHeaders().set("Upload-Offset", Long.toString(held));
            answer(exchange, 416, "the upload holds " + held
                + " bytes: send the rest with Range: bytes=" + held + "-");
          };
        } else {
          byte[] buffer = new byte[8192];
          boolean past = false;
          for (int n; !past && (cut < 0 || arrived < cut) && (n = in.read(buffer)) >= 0; ) {
            uploadedBytes.addAndGet(n);
            pause();
            int keep = cut < 0 ? n : (int) Math.min(n, cut - arrived);
            synchronized (upload) {
              past = upload.held() + keep > upload.size;
              if (past) {
                byte[] before = Arrays.copyOf(upload.held.toByteArray(), (int) offset);
                upload.held.reset(); // nothing of this body is kept: back to the offset
                upload.held.writeBytes(before);
              } else {
                upload.held.write(buffer, 0, keep);
              }
            }
            arrived += keep;
          }
          if (past) {
            reply = () -> answer(exchange, 400, "the body goes past the upload's size");
          } else if (cut < 0 || arrived < cut) {
            reply = () -> finish(exchange, token, upload);
          }
        }
      }
    } finally {
      if (writer) {
        upload.writing.set(false);
      }
      requests.add(new Request("PUT", exchange.getRequestURI().getRawPath(), null,
          exchange.getRequestHeaders(), arrived));
    }
    if (reply != null) {
      reply.send();
    }
  }

  private void finish(HttpExchange exchange, String token, TempUpload upload) throws IOException {
    byte[] bytes;
    synchronized (upload) {
      bytes = upload.held.toByteArray();
    }
    if (bytes.length < upload.size) {
      exchange.getResponseHeaders().set("Upload-Offset", Long.toString(bytes.length));
      answer(exchange, 200, "held " + bytes.length + " of " + upload.size + " bytes");
      return;
    }
    uploads.remove(token);
    if (upload.digest != null && !upload.digest.equals(sha256(bytes))) {
      answer(exchange, 400, "the upload's SHA-256 is " + sha256(bytes) + ", not the "
          + upload.digest + " declared");
      return;
    }
    Version version = add(upload.name, bytes);
    if (loseCompletion) {
      loseCompletion = false;
      return; // closing an exchange that sent no headers drops its connection
    }
    digestHeaders(exchange, version);
    answerLines(exchange, version.line());
  }

  private void get(HttpExchange exchange, String name) throws IOException {
    Version version;
    String asked = query(exchange, "version", null);
    synchronized (names) {
      List<Version> versions = names.getOrDefault(name, List.of());
      if (asked == null) {
        version = versions.isEmpty() ? null : versions.get(versions.size() - 1);
      } else {
        long number = Long.parseLong(asked);
        version = number <= versions.size() ? versions.get((int) number - 1) : null;
      }
    }
    if (version == null || version.bytes() == null) {
      answer(exchange, 404, version == null ? "object " + name + " not found"
          : "object " + name + " was deleted at version " + version.number());
      return;
    }
    digestHeaders(exchange, version);
    exchange.getResponseHeaders().set("Object-Version", Long.toString(version.number()));
    sendObject(exchange, version.bytes());
  }

  private void delete(HttpExchange exchange, String name) throws IOException {
    Version latest = latest(name);
    if (latest == null || latest.bytes() == null) {
      answer(exchange, 404, "object " + name + " not found");
      return;
    }
    answerLines(exchange, add(name, null).line());
  }

  private void versions(HttpExchange exchange) throws IOException {
    try (exchange) {
      received(exchange);
      if (answeredScriptedError(exchange)) {
        return;
      }
      String name = name(exchange, "/versions/");
      if (name.isEmpty()) {
        list(exchange, v -> v.name().startsWith(query(exchange, "prefix", "")), false);
      } else {
        list(exchange, v -> v.name().equals(name), false);
      }
    }
  }

  /** A listing of the versions that pass {@code filter}, or of each live latest one. */
  private void list(HttpExchange exchange, Predicate<Version> filter, boolean latestLive)
      throws IOException {
    List<Version> all = new ArrayList<>();
    synchronized (names) {
      for (List<Version> versions : names.values()) {
        Version latest = versions.get(versions.size() - 1);
        if (!latestLive) {
          versions.stream().filter(filter).forEach(all::add);
        } else if (latest.bytes() != null && filter.test(latest)) {
          all.add(latest);
        }
      }
    }
    String limit = query(exchange, "limit", null);
    String cursor = query(exchange, "cursor", null);
    // Cursors hold +, / and =, so a client that does not percent-encode them gets a 400.
    int from = 0;
    if (cursor != null) {
      if (!cursor.matches("\\+/[0-9]+=")) {
        answer(exchange, 400, "bad cursor: " + cursor);
        return;
      }
      from = Integer.parseInt(cursor.substring(2, cursor.length() - 1));
    }
    int to = limit == null ? all.size() : Math.min(all.size(), from + Integer.parseInt(limit));
    if (to < all.size()) {
      exchange.getResponseHeaders().set("Next-Cursor", "+/" + to + "=");
    }
    StringBuilder lines = new StringBuilder();
    all.subList(Math.min(from, to), to).forEach(v -> lines.append(v.line()));
    answerLines(exchange, lines.toString());
  }

  private void locate(HttpExchange exchange) throws IOException {
    try (exchange) {
      received(exchange);
      if (answeredScriptedError(exchange)) {
        return;
      }
      String name = name(exchange, "/locate/");
      if (name.startsWith("sharded")) {
        answer(exchange, 200, "{\"0\":\"127.0.0.1:9001\",\"1\":\"127.0.0.1:9002\"}");
      } else if (name.startsWith("inline")) {
        answer(exchange, 200, "{}"); // kept in the metadata store: on no data server
      } else if (object(name) != null || query(exchange, "hash", null) != null) {
        answer(exchange, 200, "\"127.0.0.1:9001\"");
      } else {
        answer(exchange, 404, "object " + name + " not found");
      }
    }
  }

  private Version add(String name, byte[] bytes) {
    synchronized (names) {
      List<Version> versions = names.computeIfAbsent(name, n -> new ArrayList<>());
      Version version = new Version(name, versions.size() + 1, bytes);
      versions.add(version);
      return version;
    }
  }

  private Version latest(String name) {
    synchronized (names) {
      List<Version> versions = names.get(name);
      return versions == null ? null : versions.get(versions.size() - 1);
    }
  }

  private byte[] received(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body.length));
    return body;
  }

  private void sendObject(HttpExchange exchange, byte[] stored) throws IOException {
    if (exchange.getRequestMethod().equals("HEAD")) {
      // A length passed for HEAD would be taken as a body to send; set the header instead.
      exchange.getResponseHeaders().set("Content-Length", Long.toString(stored.length));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, stored.length == 0 ? -1 : stored.length);
    OutputStream out = exchange.getResponseBody();
    if (cutGetBodies || stallGetBodies) {
      out.write(stored, 0, stored.length / 2);
      out.flush();
      if (stallGetBodies) {
        awaitClose();
      }
      // The JDK server drops the connection when a handler throws: just the cut we want.
      throw new IOException("cutting the body short on purpose");
    }
    byte[] sent = stored.clone();
    if (tamperGetBodies && sent.length > 0) {
      sent[0] ^= 1;
    }
    for (int at = 0; at < sent.length; at += SLOW_PIECE) {
      out.write(sent, at, Math.min(SLOW_PIECE, sent.length - at));
      out.flush();
      pause();
    }
  }

  /** Returns when {@link #close} interrupts the handler's thread. */
  private static void awaitClose() throws IOException {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      throw new java.io.InterruptedIOException("closed");
    }
  }

  /** After each piece of a body, when {@link #slowly}: about 4 MB/s. */
  private void pause() throws IOException {
    if (slowly) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
    }
  }

  private boolean answeredScriptedError(HttpExchange exchange) throws IOException {
    ScriptedError error = takeScriptedError();
    if (error == null) {
      return false;
    }
    answer(exchange, error.status(), error.message());
    return true;
  }

  /** The error this request is to get, counting it as one of those to skip when there is none. */
  private ScriptedError takeScriptedError() {
    ScriptedError error = nextError.getAndUpdate(e -> e == null || e.skip() == 0 ? null
        : new ScriptedError(e.status(), e.message(), e.skip() - 1));
    return error == null || error.skip() > 0 ? null : error;
  }

  private static void digestHeaders(HttpExchange exchange, Version version) {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Digest", "SHA-256=" + version.hash());
    headers.set("Content-Digest", "sha-256=:" + version.hash() + ":");
    headers.set("ETag", "\"" + version.hash() + "\"");
  }

  /** The name in the path after {@code context}, percent-decoded ({@code +} stays a plus). */
  private static String name(HttpExchange exchange, String context) {
    String raw = exchange.getRequestURI().getRawPath().substring(context.length());
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The query parameter {@code key}, decoded as a form would be ({@code +} is a space). */
  private static String query(HttpExchange exchange, String key, String absent) {
    String raw = exchange.getRequestURI().getRawQuery();
    Map<String, String> parameters = new HashMap<>();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      int equals = pair.indexOf('=');
      parameters.putIfAbsent(URLDecoder.decode(pair.substring(0, Math.max(equals, 0)),
          StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(equals + 1),
          StandardCharsets.UTF_8));
    }
    return parameters.getOrDefault(key, absent);
  }

  private static void answerLines(HttpExchange exchange, String lines) throws IOException {
    byte[] body = lines.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
    // Chunked, as the real server sends listings.
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  public static String sha256(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
