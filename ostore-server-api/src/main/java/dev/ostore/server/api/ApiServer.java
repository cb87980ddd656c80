package dev.ostore.server.api;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import dev.ostore.locate.RollCall;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running api server: the stateless HTTP front of the store. It keeps versions of names in the
 * metadata store, learns the live data servers from their heartbeats, finds content with locate
 * requests, and streams bodies to and from data servers. Closing stops it; idempotent.
 */
public final class ApiServer implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final MetadataStore metadata;
  private final LiveServers live;
  private final RollCall rollCall;
  private final ExecutorService uploads;
  private final HttpService http;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private ApiServer(MetadataStore metadata, LiveServers live, RollCall rollCall,
      ExecutorService uploads, HttpService http) {
    this.metadata = metadata;
    this.live = live;
    this.rollCall = rollCall;
    this.uploads = uploads;
    this.http = http;
  }

  /** Starts an api server using {@code bus}; heartbeats expire by {@code clock}. */
  public static ApiServer start(ApiServerConfig config, MessageBus bus, InstantSource clock)
      throws IOException {
    MetadataStore metadata = config.metadataUrl().isPresent()
        ? MetadataStore.open(config.metadataUrl().get())
        : MetadataStore.embedded(config.embeddedMetadata());
    LiveServers live;
    try {
      live = LiveServers.listen(bus, clock, config.heartbeatExpiry());
    } catch (IOException | RuntimeException e) {
      metadata.close();
      throw e;
    }
    RollCall rollCall = RollCall.start(bus, live);
    Locator locator = Locator.overBus(bus, live, config.locateTimeout());
    // One task per upload in flight; the HTTP server's own pool bounds how many there are.
    ExecutorService uploads = Executors.newCachedThreadPool(
        new ThreadFactoryBuilder().setNameFormat("upload-%d").setDaemon(true).build());
    Transfers transfers = Transfers.create(uploads, CONNECT_TIMEOUT, READ_TIMEOUT);
    Routes.Builder routes = Routes.builder();
    Contents contents = new Contents(metadata, live, locator, transfers,
        config.instantUpload());
    new ObjectsEndpoints(metadata, contents).addTo(routes);
    new VersionsEndpoint(metadata).addTo(routes);
    new LocateEndpoint(live, locator, metadata).addTo(routes);
    new ServersEndpoint(live).addTo(routes);
    try {
      HttpService http = HttpService.start("api", config.listenAddress(), routes.build(),
          HttpService.Settings.DEFAULT);
      return new ApiServer(metadata, live, rollCall, uploads, http);
    } catch (IOException | RuntimeException e) {
      rollCall.close();
      live.close();
      uploads.shutdownNow();
      metadata.close();
      throw e;
    }
  }

  public ServerAddress address() {
    return http.address();
  }

  /** The data servers this api server currently sees as live. */
  public LiveServers liveServers() {
    return live;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      http.close();
      rollCall.close();
      live.close();
      uploads.shutdownNow();
      metadata.close();
    }
  }
}
