package dev.ostore.server.api;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.PutStream;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PUT}, {@code GET} and {@code HEAD /objects/<name>} on the api server: bodies stream
 * between the client and one data server, never held whole in memory.
 */
final class ObjectsEndpoints {
  private static final Logger log = System.getLogger(ObjectsEndpoints.class.getName());
  static final String PREFIX = "/objects/";

  private final LiveServers live;
  private final Locator locator;
  private final Transfers transfers;

  ObjectsEndpoints(LiveServers live, Locator locator, Transfers transfers) {
    this.live = live;
    this.locator = locator;
    this.transfers = transfers;
  }

  void addTo(Routes.Builder routes) {
    routes.add("PUT", PREFIX, this::put)
        .add("GET", PREFIX, this::get)
        .add("HEAD", PREFIX, this::head);
  }

  /**
   * Streams the body to the data server that already holds the name, so the new bytes replace the
   * old, or else to a random live one. A server that cannot be reached costs nothing: no byte has
   * left yet, so the next one is tried.
   */
  private void put(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    String key = name.urlSegment();
    Target target = openUpload(name, exchange);
    try {
      exchange.copyRequestBodyTo(target.stream(), name);
      target.stream().close();
    } catch (IOException | RuntimeException e) {
      target.stream().abort(e);
      throw e;
    }
    locator.remember(key, target.server());
    exchange.respond(200, 0);
  }

  private record Target(ServerAddress server, PutStream stream) {}

  private Target openUpload(ObjectName name, Exchange exchange) throws IOException {
    String key = name.urlSegment();
    ServerAddress server = locator.locate(key).orElse(null);
    Set<ServerAddress> unreachable = new HashSet<>();
    while (true) {
      if (server == null) {
        server = live.pick(unreachable).orElseThrow(() -> noServerFor(unreachable));
      }
      try {
        return new Target(server, transfers.put(server, PREFIX + key, exchange.requestLength()));
      } catch (OstoreException e) {
        if (e.code() != ErrorCode.DATA_SERVER_UNREACHABLE) {
          throw e;
        }
        log.log(WARNING, "PUT " + name + ": " + e.getMessage() + "; trying another server");
        live.dropUntilHeard(server);
        unreachable.add(server);
        locator.forget(key);
        server = null;
      }
    }
  }

  private void get(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    try (GetStream in = fromHolder(name, server -> transfers.get(server, PREFIX + name.urlSegment()))) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      try (OutputStream out = exchange.respond(200, in.length())) {
        in.transferTo(out);
      }
    }
  }

  private void head(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    long size = fromHolder(name, server -> transfers.size(server, PREFIX + name.urlSegment()));
    exchange.setHeader("Content-Type", "application/octet-stream");
    exchange.respond(200, size);
  }

  /** A request to the data server holding an object. */
  private interface HolderCall<T> {
    T call(ServerAddress server) throws IOException;
  }

  /**
   * Calls the server holding {@code name}. When a remembered holder no longer has it or cannot be
   * reached, forgets it and asks every server once more. A holder that refuses connections is
   * dropped from the live servers; if no other has the object, that failure is the answer (502),
   * not a 404 that would say the object does not exist.
   */
  private <T> T fromHolder(ObjectName name, HolderCall<T> call) throws IOException {
    String key = name.urlSegment();
    OstoreException unreachable = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Optional<ServerAddress> holder = locator.locate(key);
      if (holder.isEmpty()) {
        break;
      }
      try {
        return call.call(holder.get());
      } catch (OstoreException e) {
        locator.forget(key);
        if (e.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
          live.dropUntilHeard(holder.get());
          unreachable = e;
        } else if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
      }
    }
    throw unreachable != null ? unreachable : Missing.object(live, name);
  }

  private OstoreException noServerFor(Set<ServerAddress> unreachable) {
    return unreachable.isEmpty() ? Missing.noDataServer() : new OstoreException(
        ErrorCode.NO_DATA_SERVER, "no data server could be reached (tried " + unreachable + ")");
  }
}
