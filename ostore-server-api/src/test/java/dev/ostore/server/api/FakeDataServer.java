package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.Endpoint;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A data server that misbehaves on purpose: it announces itself and claims to hold {@code
 * holds}, like a real one, but its HTTP endpoints are whatever the test scripts.
 */
final class FakeDataServer implements AutoCloseable {
  private final HttpService http;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LocateResponder responder;
  private final HeartbeatPublisher heartbeat;

  FakeDataServer(MessageBus bus, Set<String> holds, Endpoint get, Endpoint put)
      throws IOException {
    http = HttpService.start("fake-data", new ServerAddress("127.0.0.1", 0), Routes.builder()
        .add("GET", "/objects/", get)
        .add("HEAD", "/objects/", get)
        .add("PUT", "/objects/", put)
        .build(), HttpService.Settings.DEFAULT);
    responder = LocateResponder.start(bus, http.address(), holds::contains);
    heartbeat = HeartbeatPublisher.start(bus, http.address(), Duration.ofSeconds(5), scheduler);
  }

  ServerAddress address() {
    return http.address();
  }

  @Override
  public void close() {
    heartbeat.close();
    responder.close();
    scheduler.shutdownNow();
    http.close();
  }
}
