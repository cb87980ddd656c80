package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Endpoint;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A data server in memory that misbehaves when told to: it speaks the temporary-object protocol
 * and announces itself like a real one, but a test can replace how it answers a {@code PATCH} or
 * a {@code GET}, and can make it claim content it does not hold.
 */
final class FakeDataServer implements AutoCloseable {
  /** Content by hex hash, as committed. */
  final Map<String, byte[]> contents = new ConcurrentHashMap<>();
  /** Hashes it claims to hold beside {@link #contents}. */
  final java.util.Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final Map<String, ByteArrayOutputStream> temps = new ConcurrentHashMap<>();
  private final HttpService http;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LocateResponder responder;
  private final HeartbeatPublisher heartbeat;
  volatile Endpoint onPatch = this::append;
  volatile Endpoint onGet = this::serve;

  FakeDataServer(MessageBus bus) throws IOException {
    http = HttpService.start("fake-data", new ServerAddress("127.0.0.1", 0), Routes.builder()
        .add("GET", "/objects/{hash}", exchange -> onGet.handle(exchange))
        .add("POST", "/temp/", exchange -> {
          String id = UUID.randomUUID().toString();
          temps.put(id, new ByteArrayOutputStream());
          exchange.respond(200, "text/plain", id.getBytes(StandardCharsets.UTF_8));
        })
        .add("PATCH", "/temp/{id}", exchange -> onPatch.handle(exchange))
        .add("PUT", "/temp/{id}", this::commit)
        .add("DELETE", "/temp/{id}", exchange -> temps.remove(id(exchange)))
        .build(), HttpService.Settings.DEFAULT);
    responder = LocateResponder.start(bus, http.address(),
        key -> contents.containsKey(key) || claimed.contains(key));
    heartbeat = HeartbeatPublisher.start(bus, 
        new Heartbeat(http.address(), Optional.empty()), Duration.ofSeconds(5), scheduler);
  }

  ServerAddress address() {
    return http.address();
  }

  /** Stops serving HTTP but keeps announcing itself and answering locates, like a hung server. */
  void stopHttp() {
    http.close();
  }

  int pendingTemps() {
    return temps.size();
  }

  /** What a PATCH does unless a test says otherwise: append the body. */
  void append(dev.ostore.http.Exchange exchange) throws IOException {
    exchange.copyRequestBodyTo(temps.get(id(exchange)), "temp");
  }

  private void commit(dev.ostore.http.Exchange exchange) throws IOException {
    byte[] bytes = temps.remove(id(exchange)).toByteArray();
    ContentHash hash = ContentHash.sha256(bytes);
    if (!DigestHeaders.read(exchange).orElseThrow().equals(hash)) {
      throw OstoreException.badRequest("hash mismatch");
    }
    contents.put(hash.hex(), bytes);
  }

  private void serve(dev.ostore.http.Exchange exchange) throws IOException {
    byte[] bytes = contents.get(exchange.path().substring("/objects/".length()));
    if (bytes == null) {
      throw OstoreException.notFound("no such content");
    }
    try (OutputStream out = exchange.respond(200, bytes.length)) {
      out.write(bytes);
    }
  }

  private static String id(dev.ostore.http.Exchange exchange) {
    return exchange.path().substring("/temp/".length());
  }

  @Override
  public void close() {
    heartbeat.close();
    responder.close();
    scheduler.shutdownNow();
    http.close();
  }
}
