package dev.ostore.server.api;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.ServerAddress;
import dev.ostore.config.Option;
import dev.ostore.config.Options;
import dev.ostore.config.ServerMain;
import dev.ostore.metadata.MetadataStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything an api server is configured with, built once in {@code main}. Without a broker
 * ({@code rabbitMqServer} empty) the api server runs a whole store in its own process: data
 * servers under {@code storageRoot}, on an in-process bus, as many as the store was created with
 * ({@code dataServers}, when given, must say the same; it sets the number of a new store).
 * Versions are kept in the database at {@code metadataUrl} (a JDBC URL; PostgreSQL lets several
 * api servers share them), or else in an embedded one at {@code storageRoot/metadata.db}, in a
 * cluster too.
 */
public record ApiServerConfig(
    ServerAddress listenAddress,
    Optional<URI> rabbitMqServer,
    Path storageRoot,
    OptionalInt dataServers,
    Duration heartbeatExpiry,
    Duration locateTimeout,
    Optional<String> metadataUrl,
    boolean instantUpload,
    Duration stopTimeout) implements ServerMain.Config {

  static final Option LISTEN_ADDRESS = new Option("LISTEN_ADDRESS", "listen-address",
      "127.0.0.1:8080", "host:port to serve HTTP on");
  static final Option RABBITMQ_SERVER = new Option("RABBITMQ_SERVER", "rabbitmq-server", null,
      "AMQP URI of the broker; unset runs a whole store in this process");
  static final Option STORAGE_ROOT = new Option("STORAGE_ROOT", "storage-root", "ostore-data",
      "the directory of metadata.db (unless METADATA_URL is set), with or without a broker, and "
          + "without a broker of the in-process data servers; locked while the server runs");
  static final Option DATA_SERVERS = new Option("DATA_SERVERS", "data-servers", null,
      "without a broker: how many data servers a new store runs in this process (default: 3); "
          + "a store runs those it was created with, and refuses another number");
  static final Option HEARTBEAT_EXPIRY = new Option("HEARTBEAT_EXPIRY", "heartbeat-expiry",
      "10s", "a data server not heard from for this long is no longer used");
  static final Option LOCATE_TIMEOUT = new Option("LOCATE_TIMEOUT", "locate-timeout", "1s",
      "longest wait for locate answers");
  static final Option METADATA_URL = new Option("METADATA_URL", "metadata-url", null,
      "JDBC URL of the metadata database, e.g. jdbc:postgresql://db:5432/ostore?user=ostore; "
          + "unset keeps it in STORAGE_ROOT/metadata.db");
  static final Option INSTANT_UPLOAD = new Option("INSTANT_UPLOAD", "instant-upload", "false",
      "true answers a PUT whose declared digest is stored already without reading its body; "
          + "anyone who knows a hash can then claim that content");
  static final Option STOP_TIMEOUT = new Option("STOP_TIMEOUT", "stop-timeout", "10s",
      "on SIGTERM or Ctrl-C, how long requests in flight may take to finish");
  static final List<Option> OPTIONS = List.of(LISTEN_ADDRESS, RABBITMQ_SERVER, STORAGE_ROOT,
      DATA_SERVERS, HEARTBEAT_EXPIRY, LOCATE_TIMEOUT, METADATA_URL, INSTANT_UPLOAD,
      STOP_TIMEOUT);

  public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCATE_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public ApiServerConfig {
    requireNonNull(listenAddress, "listenAddress");
    requireNonNull(rabbitMqServer, "rabbitMqServer");
    requireNonNull(storageRoot, "storageRoot");
    requireNonNull(dataServers, "dataServers");
    dataServers.ifPresent(n -> checkArgument(n >= 1 && n <= 64,
        "DATA_SERVERS must be between 1 and 64: %s", n));
    checkArgument(isPositive(heartbeatExpiry), "heartbeat expiry must be positive: %s",
        heartbeatExpiry);
    checkArgument(isPositive(locateTimeout), "locate timeout must be positive: %s",
        locateTimeout);
    requireNonNull(metadataUrl, "metadataUrl");
    metadataUrl.ifPresent(MetadataStore::checkUrl);
    checkArgument(isPositive(stopTimeout), "stop timeout must be positive: %s", stopTimeout);
  }

  /** An api server on the in-process bus, as {@link LocalCluster} runs it. */
  public static ApiServerConfig embedded(ServerAddress listenAddress, Path storageRoot,
      int dataServers) {
    return embedded(listenAddress, storageRoot, OptionalInt.of(dataServers));
  }

  /** As {@link #embedded(ServerAddress, Path, int)}, with as many as the store has. */
  public static ApiServerConfig embedded(ServerAddress listenAddress, Path storageRoot) {
    return embedded(listenAddress, storageRoot, OptionalInt.empty());
  }

  private static ApiServerConfig embedded(ServerAddress listenAddress, Path storageRoot,
      OptionalInt dataServers) {
    return new ApiServerConfig(listenAddress, Optional.empty(), storageRoot, dataServers,
        DEFAULT_EXPIRY, DEFAULT_LOCATE_TIMEOUT, Optional.empty(), false, DEFAULT_STOP_TIMEOUT);
  }

  public static ApiServerConfig from(Map<String, String> env, String[] args) {
    Options options = Options.parse(OPTIONS, env, args);
    Optional<String> metadataUrl = options.get(METADATA_URL);
    try {
      metadataUrl.ifPresent(MetadataStore::checkUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("METADATA_URL (--metadata-url): " + e.getMessage());
    }
    return new ApiServerConfig(
        options.getAddress(LISTEN_ADDRESS),
        options.get(RABBITMQ_SERVER).isPresent()
            ? Optional.of(options.getBrokerUri(RABBITMQ_SERVER))
            : Optional.empty(),
        Path.of(options.require(STORAGE_ROOT)),
        options.get(DATA_SERVERS).isPresent()
            ? OptionalInt.of(options.getInt(DATA_SERVERS))
            : OptionalInt.empty(),
        options.getDuration(HEARTBEAT_EXPIRY),
        options.getDuration(LOCATE_TIMEOUT),
        metadataUrl,
        options.getBoolean(INSTANT_UPLOAD),
        options.getDuration(STOP_TIMEOUT));
  }

  /** The file of the embedded metadata database, used when no {@code METADATA_URL} is set. */
  public Path embeddedMetadata() {
    return storageRoot.resolve("metadata.db");
  }

  /** True when this api server runs its own data servers instead of using a broker. */
  public boolean standalone() {
    return rabbitMqServer.isEmpty();
  }

  /** The whole configuration on one line, broker password hidden, for the start-up log. */
  public String describe() {
    String mode = rabbitMqServer.map(uri -> "RABBITMQ_SERVER=" + Options.redact(uri))
        .orElse("standalone STORAGE_ROOT=" + storageRoot.toAbsolutePath()
            + " DATA_SERVERS=" + (dataServers.isPresent()
                ? Integer.toString(dataServers.getAsInt()) : "(as the store has)"));
    return "LISTEN_ADDRESS=" + listenAddress + " " + mode
        + " HEARTBEAT_EXPIRY=" + heartbeatExpiry + " LOCATE_TIMEOUT=" + locateTimeout
        + " METADATA_URL=" + metadataUrl.map(Options::redact)
            .orElse("(embedded: " + embeddedMetadata().toAbsolutePath() + ")")
        + " INSTANT_UPLOAD=" + instantUpload
        + " STOP_TIMEOUT=" + stopTimeout;
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
