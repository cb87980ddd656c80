package dev.ostore.server.api;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.ServerAddress;
import dev.ostore.config.Option;
import dev.ostore.config.Options;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an api server is configured with, built once in {@code main}. Without a broker
 * ({@code rabbitMqServer} empty) the api server runs a whole store in its own process: {@code
 * dataServers} data servers under {@code storageRoot}, on an in-process bus.
 */
public record ApiServerConfig(
    ServerAddress listenAddress,
    Optional<URI> rabbitMqServer,
    Path storageRoot,
    int dataServers,
    Duration heartbeatExpiry,
    Duration locateTimeout) {

  static final Option LISTEN_ADDRESS = new Option("LISTEN_ADDRESS", "listen-address",
      "127.0.0.1:8080", "host:port to serve HTTP on");
  static final Option RABBITMQ_SERVER = new Option("RABBITMQ_SERVER", "rabbitmq-server", null,
      "AMQP URI of the broker; unset runs a whole store in this process");
  static final Option STORAGE_ROOT = new Option("STORAGE_ROOT", "storage-root", "ostore-data",
      "without a broker: the directory of the in-process data servers");
  static final Option DATA_SERVERS = new Option("DATA_SERVERS", "data-servers", "3",
      "without a broker: how many data servers to run in this process");
  static final Option HEARTBEAT_EXPIRY = new Option("HEARTBEAT_EXPIRY", "heartbeat-expiry",
      "10s", "a data server not heard from for this long is no longer used");
  static final Option LOCATE_TIMEOUT = new Option("LOCATE_TIMEOUT", "locate-timeout", "1s",
      "longest wait for locate answers");
  static final List<Option> OPTIONS = List.of(LISTEN_ADDRESS, RABBITMQ_SERVER, STORAGE_ROOT,
      DATA_SERVERS, HEARTBEAT_EXPIRY, LOCATE_TIMEOUT);

  public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCATE_TIMEOUT = Duration.ofSeconds(1);

  public ApiServerConfig {
    requireNonNull(listenAddress, "listenAddress");
    requireNonNull(rabbitMqServer, "rabbitMqServer");
    requireNonNull(storageRoot, "storageRoot");
    checkArgument(dataServers >= 1 && dataServers <= 64,
        "DATA_SERVERS must be between 1 and 64: %s", dataServers);
    checkArgument(isPositive(heartbeatExpiry), "heartbeat expiry must be positive: %s",
        heartbeatExpiry);
    checkArgument(isPositive(locateTimeout), "locate timeout must be positive: %s",
        locateTimeout);
  }

  /** An api server on the in-process bus, as {@link LocalCluster} runs it. */
  public static ApiServerConfig embedded(ServerAddress listenAddress, Path storageRoot,
      int dataServers) {
    return new ApiServerConfig(listenAddress, Optional.empty(), storageRoot, dataServers,
        DEFAULT_EXPIRY, DEFAULT_LOCATE_TIMEOUT);
  }

  public static ApiServerConfig from(Map<String, String> env, String[] args) {
    Options options = Options.parse(OPTIONS, env, args);
    return new ApiServerConfig(
        ServerAddress.parse(options.require(LISTEN_ADDRESS)),
        options.get(RABBITMQ_SERVER).map(URI::create),
        Path.of(options.require(STORAGE_ROOT)),
        options.getInt(DATA_SERVERS),
        options.getDuration(HEARTBEAT_EXPIRY),
        options.getDuration(LOCATE_TIMEOUT));
  }

  /** True when this api server runs its own data servers instead of using a broker. */
  public boolean standalone() {
    return rabbitMqServer.isEmpty();
  }

  /** The whole configuration on one line, broker password hidden, for the start-up log. */
  public String describe() {
    String mode = rabbitMqServer.map(uri -> "RABBITMQ_SERVER=" + Options.redact(uri))
        .orElse("standalone STORAGE_ROOT=" + storageRoot.toAbsolutePath()
            + " DATA_SERVERS=" + dataServers);
    return "LISTEN_ADDRESS=" + listenAddress + " " + mode
        + " HEARTBEAT_EXPIRY=" + heartbeatExpiry + " LOCATE_TIMEOUT=" + locateTimeout;
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
