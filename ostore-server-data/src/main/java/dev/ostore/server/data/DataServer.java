package dev.ostore.server.data;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.ObjectName;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import dev.ostore.storage.Storage;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running data server: serves its objects over HTTP, announces itself on the bus and answers
 * locate requests for what it holds. Closing stops all of it; idempotent.
 *
 * <pre>{@code
 * try (DataServer server = DataServer.start(
 *     DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), dir), bus)) {
 *   ServerAddress where = server.address();
 * }
 * }</pre>
 */
public final class DataServer implements AutoCloseable {
  private static final Logger log = System.getLogger(DataServer.class.getName());

  private final HttpService http;
  private final ScheduledExecutorService scheduler;
  private final LocateResponder responder;
  private final HeartbeatPublisher heartbeat;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private DataServer(HttpService http, ScheduledExecutorService scheduler,
      LocateResponder responder, HeartbeatPublisher heartbeat) {
    this.http = http;
    this.scheduler = scheduler;
    this.responder = responder;
    this.heartbeat = heartbeat;
  }

  /** Starts a data server on {@code bus}; on port 0 it announces the port it got. */
  public static DataServer start(DataServerConfig config, MessageBus bus) throws IOException {
    Storage storage = Storage.onDisk(config.storageRoot());
    Routes.Builder routes = Routes.builder();
    new ObjectsEndpoints(storage).addTo(routes);
    HttpService http = HttpService.start("data", config.listenAddress(), routes.build(),
        HttpService.Settings.DEFAULT);
    ServerAddress self = http.address();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("heartbeat-" + self.port()).setDaemon(true)
            .build());
    try {
      LocateResponder responder = LocateResponder.start(bus, self, key -> holds(storage, key));
      HeartbeatPublisher heartbeat =
          HeartbeatPublisher.start(bus, self, config.heartbeatInterval(), scheduler);
      return new DataServer(http, scheduler, responder, heartbeat);
    } catch (IOException | RuntimeException e) {
      scheduler.shutdownNow();
      http.close();
      throw e;
    }
  }

  /** Where this server listens and what it announces. */
  public ServerAddress address() {
    return http.address();
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    heartbeat.close();
    responder.close();
    scheduler.shutdownNow();
    http.close();
  }

  /** Locate keys are names as the api server encodes them in URLs. */
  private static boolean holds(Storage storage, String key) {
    try {
      return storage.size(ObjectName.fromUrlSegment(key).value()).isPresent();
    } catch (IllegalArgumentException e) {
      return false;
    } catch (IOException e) {
      log.log(WARNING, () -> "cannot tell whether " + key + " is stored: " + e.getMessage());
      return false;
    }
  }
}
