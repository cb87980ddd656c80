package dev.ostore.server.data;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.ServerAddress;
import dev.ostore.config.Option;
import dev.ostore.config.Options;
import dev.ostore.config.ServerMain;
import dev.ostore.storage.ShardStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a data server is configured with, built once in {@code main} from the environment
 * and flags (or directly, by an embedding program). The listen address is also the address the
 * server announces, so it must be one api servers can reach.
 */
public record DataServerConfig(
    ServerAddress listenAddress,
    Path storageRoot,
    Optional<URI> rabbitMqServer,
    Duration heartbeatInterval,
    Duration tempExpiry,
    Duration stopTimeout,
    int maxTempObjects,
    long scrubRate,
    Duration scrubInterval,
    Duration holdFor,
    boolean directIo,
    long minFreeSpace) implements ServerMain.Config {

  static final Option LISTEN_ADDRESS = new Option("LISTEN_ADDRESS", "listen-address", null,
      "host:port to listen on and to announce to api servers (not 0.0.0.0)");
  static final Option STORAGE_ROOT = new Option("STORAGE_ROOT", "storage-root", null,
      "directory of this server's objects; created when missing");
  static final Option RABBITMQ_SERVER = new Option("RABBITMQ_SERVER", "rabbitmq-server", null,
      "AMQP URI of the broker, e.g. amqp://guest:guest@127.0.0.1:5672");
  static final Option HEARTBEAT_INTERVAL = new Option("HEARTBEAT_INTERVAL",
      "heartbeat-interval", "5s", "how often the server announces itself on apiServers");
  static final Option TEMP_EXPIRY = new Option("TEMP_EXPIRY", "temp-expiry", "1h",
      "a temporary object (an upload not yet committed) idle this long is deleted");
  static final Option STOP_TIMEOUT = new Option("STOP_TIMEOUT", "stop-timeout", "10s",
      "on SIGTERM or Ctrl-C, how long requests in flight may take to finish");
  static final Option MAX_TEMP_OBJECTS = new Option("MAX_TEMP_OBJECTS", "max-temp-objects",
      "1024", "most uploads in progress at once (each holds an open file); past it POST /temp/"
          + " answers 503");
  static final Option SCRUB_RATE = new Option("SCRUB_RATE", "scrub-rate", "20M",
      "bytes per second read to check every shard's checksums (K, M, G, T suffixes); 0 turns"
          + " scrubbing off");
  static final Option SCRUB_INTERVAL = new Option("SCRUB_INTERVAL", "scrub-interval", "24h",
      "how often a scrub pass over all shards starts (at once if the last one took longer)");
  static final Option HOLD_FOR = new Option("HOLD_FOR", "hold-for", "168h",
      "a shard a collection took is kept in the holding area this long, to be restored if"
          + " wanted, before it is deleted for good");
  static final Option DIRECT_IO = new Option("DIRECT_IO", "direct-io", "true",
      "true: big shards are written past their first MiB, and read in long runs, straight to and"
          + " from the disk (O_DIRECT, where the file system takes it); false: always through"
          + " the page cache");
  static final Option MIN_FREE_SPACE = new Option("MIN_FREE_SPACE", "min-free-space", "256M",
      "bytes kept free on the disk of STORAGE_ROOT (K, M, G, T suffixes): below it the server takes"
          + " no new shards (507) and says so in its heartbeat, so api servers write elsewhere");
  static final List<Option> OPTIONS = List.of(LISTEN_ADDRESS, STORAGE_ROOT, RABBITMQ_SERVER,
      HEARTBEAT_INTERVAL, TEMP_EXPIRY, STOP_TIMEOUT, MAX_TEMP_OBJECTS, SCRUB_RATE,
      SCRUB_INTERVAL, HOLD_FOR, DIRECT_IO, MIN_FREE_SPACE);

  /** The default heartbeat interval, the tutorial's five seconds. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  /** How long an idle temporary object is kept by default. */
  public static final Duration DEFAULT_TEMP_EXPIRY = Duration.ofHours(1);
  /** How long requests in flight may take to finish when the server is asked to stop. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
  /** How many temporary objects may be open at once by default. */
  public static final int DEFAULT_MAX_TEMP_OBJECTS = 1024;
  /**
   * Bytes per second scrubbed by default: a few percent of a disk's bandwidth, which checks a
   * terabyte in about fourteen hours, within the default interval.
   */
  public static final long DEFAULT_SCRUB_RATE = 20L << 20;
  /** How often a scrub pass starts by default. */
  public static final Duration DEFAULT_SCRUB_INTERVAL = Duration.ofHours(24);
  /**
   * How long a held shard is kept by default: a week, far longer than a collection's interval,
   * so that a collection's mistake is seen and undone before anything is lost.
   */
  public static final Duration DEFAULT_HOLD_FOR = ShardStore.DEFAULT_HOLD_FOR;
  /**
   * Bytes kept free by default: room for the machine's logs and the writes under way when the
   * server stops taking new shards, small beside any disk worth storing objects on.
   */
  public static final long DEFAULT_MIN_FREE_SPACE = 256L << 20;

  public DataServerConfig {
    requireNonNull(listenAddress, "listenAddress");
    requireNonNull(storageRoot, "storageRoot");
    requireNonNull(rabbitMqServer, "rabbitMqServer");
    checkArgument(!listenAddress.isWildcard(),
        "LISTEN_ADDRESS %s is announced to api servers, so it must be an address they can "
            + "reach, not a wildcard", listenAddress);
    checkArgument(isPositive(heartbeatInterval), "heartbeat interval must be positive: %s",
        heartbeatInterval);
    checkArgument(isPositive(tempExpiry), "temp expiry must be positive: %s", tempExpiry);
    checkArgument(isPositive(stopTimeout), "stop timeout must be positive: %s", stopTimeout);
    checkArgument(maxTempObjects >= 1, "MAX_TEMP_OBJECTS must be at least 1: %s",
        maxTempObjects);
    checkArgument(scrubRate >= 0, "SCRUB_RATE must not be negative: %s", scrubRate);
    checkArgument(isPositive(scrubInterval), "scrub interval must be positive: %s",
        scrubInterval);
    checkArgument(isPositive(holdFor), "HOLD_FOR must be positive: %s", holdFor);
    checkArgument(minFreeSpace >= 0, "MIN_FREE_SPACE must not be negative: %s", minFreeSpace);
  }

  /** A data server for embedding: on {@code listenAddress}, with the default heartbeat. */
  public static DataServerConfig embedded(ServerAddress listenAddress, Path storageRoot) {
    return new DataServerConfig(listenAddress, storageRoot, Optional.empty(), DEFAULT_HEARTBEAT,
        DEFAULT_TEMP_EXPIRY, DEFAULT_STOP_TIMEOUT, DEFAULT_MAX_TEMP_OBJECTS, DEFAULT_SCRUB_RATE,
        DEFAULT_SCRUB_INTERVAL, DEFAULT_HOLD_FOR, true, DEFAULT_MIN_FREE_SPACE);
  }

  /**
   * This configuration, scrubbing at {@code bytesPerSecond} ({@code 0}: not at all): data
   * servers sharing one disk share its rate.
   */
  public DataServerConfig withScrubRate(long bytesPerSecond) {
    return new DataServerConfig(listenAddress, storageRoot, rabbitMqServer, heartbeatInterval,
        tempExpiry, stopTimeout, maxTempObjects, bytesPerSecond, scrubInterval, holdFor,
        directIo, minFreeSpace);
  }

  /**
   * This configuration, keeping {@code bytes} free on the disk: past it the server takes no new
   * shards.
   */
  public DataServerConfig withMinFreeSpace(long bytes) {
    return new DataServerConfig(listenAddress, storageRoot, rabbitMqServer, heartbeatInterval,
        tempExpiry, stopTimeout, maxTempObjects, scrubRate, scrubInterval, holdFor, directIo,
        bytes);
  }

  /** Reads the configuration of a standalone data server, which needs a broker. */
  public static DataServerConfig from(Map<String, String> env, String[] args) {
    Options options = Options.parse(OPTIONS, env, args);
    return new DataServerConfig(
        options.getAddress(LISTEN_ADDRESS),
        Path.of(options.require(STORAGE_ROOT)),
        Optional.of(options.getBrokerUri(RABBITMQ_SERVER)),
        options.getDuration(HEARTBEAT_INTERVAL),
        options.getDuration(TEMP_EXPIRY),
        options.getDuration(STOP_TIMEOUT),
        options.getInt(MAX_TEMP_OBJECTS),
        options.getBytes(SCRUB_RATE),
        options.getDuration(SCRUB_INTERVAL),
        options.getDuration(HOLD_FOR),
        options.getBoolean(DIRECT_IO),
        options.getBytes(MIN_FREE_SPACE));
  }

  /** The whole configuration on one line, broker password hidden, for the start-up log. */
  public String describe() {
    return "LISTEN_ADDRESS=" + listenAddress
        + " STORAGE_ROOT=" + storageRoot.toAbsolutePath()
        + " RABBITMQ_SERVER=" + rabbitMqServer.map(Options::redact).orElse("(in-process bus)")
        + " HEARTBEAT_INTERVAL=" + heartbeatInterval
        + " TEMP_EXPIRY=" + tempExpiry
        + " STOP_TIMEOUT=" + stopTimeout
        + " MAX_TEMP_OBJECTS=" + maxTempObjects
        + " SCRUB_RATE=" + scrubRate
        + " SCRUB_INTERVAL=" + scrubInterval
        + " HOLD_FOR=" + holdFor
        + " DIRECT_IO=" + directIo
        + " MIN_FREE_SPACE=" + minFreeSpace;
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
