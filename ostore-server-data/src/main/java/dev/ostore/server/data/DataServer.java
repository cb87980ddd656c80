package dev.ostore.server.data;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import dev.ostore.storage.ContentStore;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running data server: keeps content by its SHA-256, takes new content through temporary
 * objects, serves it over HTTP checked against its hash, announces itself on the bus and answers
 * locate requests for the hashes it holds. Closing stops all of it; idempotent.
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
    return start(config, bus, InstantSource.system());
  }

  /** As {@link #start(DataServerConfig, MessageBus)}, temporary objects expiring by {@code clock}. */
  public static DataServer start(DataServerConfig config, MessageBus bus, InstantSource clock)
      throws IOException {
    ContentStore store = ContentStore.onDisk(config.storageRoot(), clock, config.tempExpiry());
    Routes.Builder routes = Routes.builder();
    new ContentEndpoints(store).addTo(routes);
    new TempEndpoints(store).addTo(routes);
    HttpService http = HttpService.start("data", config.listenAddress(), routes.build(),
        HttpService.Settings.DEFAULT);
    ServerAddress self = http.address();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("data-" + self.port() + "-tasks").setDaemon(true)
            .build());
    try {
      LocateResponder responder = LocateResponder.start(bus, self, key -> holds(store, key));
      HeartbeatPublisher heartbeat =
          HeartbeatPublisher.start(bus, self, config.heartbeatInterval(), scheduler);
      long sweep = Math.max(1, config.tempExpiry().toMillis() / 4);
      scheduler.scheduleWithFixedDelay(() -> expire(store), sweep, sweep, TimeUnit.MILLISECONDS);
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

  /** Locate keys are hashes in hex. */
  private static boolean holds(ContentStore store, String key) {
    try {
      return store.contains(ContentHash.parse(key));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void expire(ContentStore store) {
    try {
      store.expireTemps();
    } catch (IOException | RuntimeException e) {
      log.log(WARNING, () -> "expiring temporary objects failed: " + e.getMessage());
    }
  }
}
