package dev.ostore.server.api;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.ServerAddress;
import dev.ostore.collect.CollectSettings;
import dev.ostore.compress.BlockCodec;
import dev.ostore.compress.Compression;
import dev.ostore.config.Option;
import dev.ostore.config.Options;
import dev.ostore.config.ServerMain;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.Layouts;
import dev.ostore.object.TransferLimit;
import dev.ostore.repair.RepairSettings;
import dev.ostore.server.data.DataServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Everything an api server is configured with, built once in {@code main}. Without a broker
 * ({@code rabbitMqServer} empty) the api server runs a whole store in its own process: data
 * servers under {@code storageRoot}, on an in-process bus, as many as the store was created with
 * ({@code dataServers}, when given, must say the same; it sets the number of a new store), each
 * keeping {@code minFreeSpace} bytes free on the disk.
 * Versions are kept in the database at {@code metadataUrl} (a JDBC URL; PostgreSQL lets several
 * api servers share them), or else in an embedded one at {@code storageRoot/metadata.db}, in a
 * cluster too. {@code smallContentCache}, when given, is how many bytes of small content the api
 * server keeps in memory. {@code maxTransfers}, when given, is how many PUTs, GETs and resumable
 * appends of content in shards it streams at once (by default as many as its heap holds); one
 * more waits up to {@code transferWait} for a slot, and is answered 503 if none comes free.
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
    Duration stopTimeout,
    Optional<String> erasureCode,
    long smallObjectLimit,
    long inlineBelow,
    OptionalInt writeQuorum,
    RepairSettings repair,
    CollectSettings collect,
    Duration uploadExpiry,
    Duration uploadLease,
    Compression compression,
    OptionalLong smallContentCache,
    OptionalInt maxTransfers,
    Duration transferWait,
    long minFreeSpace) implements ServerMain.Config {

  static final Option LISTEN_ADDRESS = new Option("LISTEN_ADDRESS", "listen-address",
      "127.0.0.1:8080", "host:port to serve HTTP on");
  static final Option RABBITMQ_SERVER = new Option("RABBITMQ_SERVER", "rabbitmq-server", null,
      "AMQP URI of the broker; unset runs a whole store in this process");
  static final Option STORAGE_ROOT = new Option("STORAGE_ROOT", "storage-root", "ostore-data",
      "the directory of metadata.db (unless METADATA_URL is set), with or without a broker, and "
          + "without a broker of the in-process data servers; locked while the server runs");
  static final Option DATA_SERVERS = new Option("DATA_SERVERS", "data-servers", null,
      "without a broker: how many data servers a new store runs in this process (default: 6); "
          + "a store runs those it was created with, and refuses another number");
  static final Option HEARTBEAT_EXPIRY = new Option("HEARTBEAT_EXPIRY", "heartbeat-expiry",
      "10s", "a data server not heard from for this long is no longer used");
  static final Option LOCATE_TIMEOUT = new Option("LOCATE_TIMEOUT", "locate-timeout", "1s",
      "longest wait for locate answers");
  static final Option METADATA_URL = new Option("METADATA_URL", "metadata-url", null,
      "JDBC URL of the metadata database, e.g. jdbc:postgresql://db:5432/ostore?user=ostore; "
          + "unset keeps it in STORAGE_ROOT/metadata.db");
  static final Option INSTANT_UPLOAD = new Option("INSTANT_UPLOAD", "instant-upload", "false",
      "true answers a PUT, or starts a resumable upload, whose declared digest is stored already"
          + " without reading its body; anyone who knows a hash can then claim that content");
  static final Option STOP_TIMEOUT = new Option("STOP_TIMEOUT", "stop-timeout", "10s",
      "on SIGTERM or Ctrl-C, how long requests in flight may take to finish");
  static final Option ERASURE_CODE = new Option("ERASURE_CODE", "erasure-code", null,
      "k+m: new content is cut into k data and m parity shards on k+m distinct data servers, "
          + "any m of which may be lost (default 4+2; without a broker, 4+2 from 6 data servers, "
          + "fewer servers fewer shards)");
  static final Option SMALL_OBJECT_LIMIT = new Option("SMALL_OBJECT_LIMIT",
      "small-object-limit", "65536", "content smaller than this many bytes is stored as 1+m "
          + "whole copies instead of k+m shards: one request to read");
  static final Option INLINE_BELOW = new Option("INLINE_BELOW", "inline-below",
      Long.toString(Layouts.INLINE_BELOW), "content smaller than this many bytes (and than "
          + "SMALL_OBJECT_LIMIT) is kept in the metadata store, written in the transaction that "
          + "records its version, instead of on data servers (0: none)");
  static final Option WRITE_QUORUM = new Option("WRITE_QUORUM", "write-quorum", null,
      "how many shards must be durable before a PUT is acknowledged (default k+1: an "
          + "acknowledged object survives losing any one of its servers before repair)");
  static final Option REPAIR_INTERVAL = new Option("REPAIR_INTERVAL", "repair-interval", "1h",
      "how often the repair service walks every content (POST /repair starts a pass now)");
  static final Option REPAIR_AFTER = new Option("REPAIR_AFTER", "repair-after", "15m",
      "shards on a data server not heard from for this long are rebuilt elsewhere; a server "
          + "down for less may come back with them");
  static final Option REPAIR_RATE = new Option("REPAIR_RATE", "repair-rate", "50000000",
      "bytes per second the repair service may read plus write, at most");
  static final Option VERSIONS_KEPT = new Option("VERSIONS_KEPT", "versions-kept", "0",
      "each name keeps its newest this many versions, older ones are removed by collection "
          + "passes (0 keeps every version, so that an upgrade never removes one by itself)");
  static final Option VERSIONS_MAX_AGE = new Option("VERSIONS_MAX_AGE", "versions-max-age",
      null, "versions older than this are removed by collection passes, but never a name's "
          + "newest (unset: no age limit)");
  static final Option COLLECT_INTERVAL = new Option("COLLECT_INTERVAL", "collect-interval",
      "1h", "how often garbage collection runs (POST /collect starts a pass now)");
  static final Option COLLECT_GRACE = new Option("COLLECT_GRACE", "collect-grace", "1h",
      "content no version has referred to for this long is collected: its shards are moved to "
          + "the data servers' holding areas (see HOLD_FOR there) and its row forgotten");
  static final Option COLLECT_RATE = new Option("COLLECT_RATE", "collect-rate", "50",
      "contents per second a collection pass looks at, at most (0: no limit)");
  static final Option UPLOAD_EXPIRY = new Option("UPLOAD_EXPIRY", "upload-expiry", "24h",
      "a resumable upload (POST /objects/<name>, or tus' POST /files/) not finished this long "
          + "after it started is deleted, its token refused with 410");
  static final Option UPLOAD_LEASE = new Option("UPLOAD_LEASE", "upload-lease", "30s",
      "a request writing a resumable upload holds it this long, renewed while its body "
          + "arrives; another request gets 409 meanwhile, and an api server that died mid-write "
          + "lets go once it lapses");
  static final Option COMPRESSION = new Option("COMPRESSION", "compression", "true",
      "true stores new content compressed (gzip blocks) when its first stripe shows it worth it; "
          + "false stores it as it comes. Content stored either way stays readable");
  static final Option COMPRESSION_LEVEL = new Option("COMPRESSION_LEVEL", "compression-level",
      Integer.toString(BlockCodec.DEFAULT_GZIP_LEVEL),
      "gzip level of new content, 1 (fastest) to 9 (smallest)");
  static final Option SMALL_CONTENT_CACHE = new Option("SMALL_CONTENT_CACHE",
      "small-content-cache", null, "bytes of small content (below SMALL_OBJECT_LIMIT) kept in "
          + "memory once written or read, so that GETs of it need no data server, such as 0, "
          + "512K or 64M (default: an eighth of the heap, at most 64M; 0 keeps none)");
  static final Option MAX_TRANSFERS = new Option("MAX_TRANSFERS", "max-transfers", null,
      "most PUTs of SMALL_OBJECT_LIMIT or more, GETs of over 64 KiB and appends to resumable "
          + "uploads streamed at once, each holding up to 16 MiB of buffers (default: as many as "
          + "half the heap holds, at least 4)");
  static final Option TRANSFER_WAIT = new Option("TRANSFER_WAIT", "transfer-wait", "10s",
      "how long a transfer past MAX_TRANSFERS waits for another to end before it is answered "
          + "503 with Retry-After");
  static final Option MIN_FREE_SPACE = new Option("MIN_FREE_SPACE", "min-free-space", "256M",
      "without a broker: bytes the in-process data servers keep free on the disk of "
          + "STORAGE_ROOT (K, M, G, T suffixes); below it new content is refused with 507");
  static final List<Option> OPTIONS = List.of(LISTEN_ADDRESS, RABBITMQ_SERVER, STORAGE_ROOT,
      DATA_SERVERS, MIN_FREE_SPACE, HEARTBEAT_EXPIRY, LOCATE_TIMEOUT, METADATA_URL, INSTANT_UPLOAD,
      STOP_TIMEOUT, ERASURE_CODE, SMALL_OBJECT_LIMIT, INLINE_BELOW, WRITE_QUORUM, REPAIR_INTERVAL,
      REPAIR_AFTER, REPAIR_RATE, VERSIONS_KEPT, VERSIONS_MAX_AGE, COLLECT_INTERVAL,
      COLLECT_GRACE, COLLECT_RATE, UPLOAD_EXPIRY, UPLOAD_LEASE, COMPRESSION, COMPRESSION_LEVEL,
      SMALL_CONTENT_CACHE, MAX_TRANSFERS, TRANSFER_WAIT);
  /** Up to this, small content is held in memory while its size is unknown: bounded. */
  static final long MAX_SMALL_OBJECT_LIMIT = 1 << 20;

  public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCATE_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_UPLOAD_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TRANSFER_WAIT = TransferLimit.DEFAULT_WAIT;

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
    requireNonNull(erasureCode, "erasureCode");
    requireNonNull(writeQuorum, "writeQuorum");
    requireNonNull(repair, "repair");
    requireNonNull(collect, "collect");
    checkArgument(isPositive(uploadExpiry), "upload expiry must be positive: %s", uploadExpiry);
    checkArgument(isPositive(uploadLease), "upload lease must be positive: %s", uploadLease);
    requireNonNull(compression, "compression");
    requireNonNull(smallContentCache, "smallContentCache");
    requireNonNull(maxTransfers, "maxTransfers");
    maxTransfers.ifPresent(n -> checkArgument(n >= 1, "MAX_TRANSFERS must be positive: %s", n));
    checkArgument(isPositive(transferWait), "TRANSFER_WAIT must be positive: %s", transferWait);
    checkArgument(smallObjectLimit >= 0 && smallObjectLimit <= MAX_SMALL_OBJECT_LIMIT,
        "SMALL_OBJECT_LIMIT must be from 0 to %s bytes: %s", MAX_SMALL_OBJECT_LIMIT,
        smallObjectLimit);
    checkArgument(inlineBelow >= 0 && inlineBelow <= MAX_SMALL_OBJECT_LIMIT,
        "INLINE_BELOW must be from 0 to %s bytes: %s", MAX_SMALL_OBJECT_LIMIT, inlineBelow);
    checkArgument(minFreeSpace >= 0, "MIN_FREE_SPACE must not be negative: %s", minFreeSpace);
    // Validates them now, so that a bad setting stops the server before it starts.
    layouts(erasureCode, smallObjectLimit, writeQuorum, rabbitMqServer.isEmpty(),
        Layouts.DEFAULT.large().totalShards());
  }

  /**
   * How new content is laid out: as configured, or by default 4+2 in a cluster and, without a
   * broker, as the store's {@code dataServers} allow.
   */
  public Layouts layouts(int dataServers) {
    return layouts(erasureCode, smallObjectLimit, writeQuorum, standalone(), dataServers)
        .withInlineBelow(inlineBelow);
  }

  private static Layouts layouts(Optional<String> erasureCode, long smallObjectLimit,
      OptionalInt writeQuorum, boolean standalone, int dataServers) {
    if (erasureCode.isPresent()) {
      return Layouts.of(erasureCode.get(), smallObjectLimit, writeQuorum);
    }
    Layouts fallback = standalone ? Layouts.forServers(dataServers) : Layouts.DEFAULT;
    String code = fallback.large().dataShards() + "+" + fallback.large().parityShards();
    return Layouts.of(code, smallObjectLimit, writeQuorum);
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
        DEFAULT_EXPIRY, DEFAULT_LOCATE_TIMEOUT, Optional.empty(), false, DEFAULT_STOP_TIMEOUT,
        Optional.empty(), Layouts.DEFAULT.smallBelow(), Layouts.INLINE_BELOW,
        OptionalInt.empty(),
        RepairSettings.of(RepairSettings.DEFAULT_INTERVAL, RepairSettings.DEFAULT_AFTER,
            RepairSettings.DEFAULT_RATE), CollectSettings.defaults(), DEFAULT_UPLOAD_EXPIRY,
        DEFAULT_UPLOAD_LEASE, Compression.DEFAULT, OptionalLong.empty(), OptionalInt.empty(),
        DEFAULT_TRANSFER_WAIT, DataServerConfig.DEFAULT_MIN_FREE_SPACE);
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
        options.getDuration(STOP_TIMEOUT),
        options.get(ERASURE_CODE),
        options.getInt(SMALL_OBJECT_LIMIT),
        options.getBytes(INLINE_BELOW),
        options.get(WRITE_QUORUM).isPresent()
            ? OptionalInt.of(options.getInt(WRITE_QUORUM))
            : OptionalInt.empty(),
        RepairSettings.of(options.getDuration(REPAIR_INTERVAL), options.getDuration(REPAIR_AFTER),
            options.getInt(REPAIR_RATE)),
        collect(options),
        options.getDuration(UPLOAD_EXPIRY),
        options.getDuration(UPLOAD_LEASE),
        compression(options),
        options.get(SMALL_CONTENT_CACHE).isPresent()
            ? OptionalLong.of(options.getBytes(SMALL_CONTENT_CACHE))
            : OptionalLong.empty(),
        options.get(MAX_TRANSFERS).isPresent()
            ? OptionalInt.of(options.getInt(MAX_TRANSFERS))
            : OptionalInt.empty(),
        options.getDuration(TRANSFER_WAIT),
        options.getBytes(MIN_FREE_SPACE));
  }

  private static CollectSettings collect(Options options) {
    int keep = options.getInt(VERSIONS_KEPT);
    if (keep < 0) {
      throw new IllegalArgumentException("VERSIONS_KEPT (--versions-kept) must not be negative: "
          + keep);
    }
    int rate = options.getInt(COLLECT_RATE);
    if (rate < 0) {
      throw new IllegalArgumentException("COLLECT_RATE (--collect-rate) must not be negative: "
          + rate);
    }
    return CollectSettings.of(options.getDuration(COLLECT_INTERVAL),
        options.getDuration(COLLECT_GRACE), keep,
        options.get(VERSIONS_MAX_AGE).isPresent()
            ? Optional.of(options.getDuration(VERSIONS_MAX_AGE)) : Optional.empty(),
        rate);
  }

  private static Compression compression(Options options) {
    int level = options.getInt(COMPRESSION_LEVEL);
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("COMPRESSION_LEVEL (--compression-level) must be 1 to 9: "
          + level);
    }
    return new Compression(options.getBoolean(COMPRESSION), level);
  }

  /** The same, for a store of {@code n} data servers. */
  public ApiServerConfig withDataServers(int n) {
    return edit(edit -> edit.dataServers = OptionalInt.of(n));
  }

  /** The same, with instant upload on or off. */
  public ApiServerConfig withInstantUpload(boolean on) {
    return edit(edit -> edit.instantUpload = on);
  }

  /** The same, keeping versions in the database at {@code url}. */
  public ApiServerConfig withMetadataUrl(String url) {
    return edit(edit -> edit.metadataUrl = Optional.of(url));
  }

  /** The same, laying new content out as the erasure code {@code code} ("k+m") says. */
  public ApiServerConfig withErasureCode(String code) {
    return edit(edit -> edit.erasureCode = Optional.of(code));
  }

  /** The same, keeping content below {@code limit} bytes in the metadata store (0: none). */
  public ApiServerConfig withInlineBelow(long limit) {
    return edit(edit -> edit.inlineBelow = limit);
  }

  /** The same, with the repair service run as {@code settings} say. */
  public ApiServerConfig withRepair(RepairSettings settings) {
    return edit(edit -> edit.repair = settings);
  }

  /** The same, with retention and garbage collection run as {@code settings} say. */
  public ApiServerConfig withCollect(CollectSettings settings) {
    return edit(edit -> edit.collect = settings);
  }

  /** The same, storing new content compressed as {@code settings} say. */
  public ApiServerConfig withCompression(Compression settings) {
    return edit(edit -> edit.compression = settings);
  }

  /**
   * The same, streaming at most {@code most} PUTs and GETs of content in shards at once, one
   * more waiting up to {@code wait}.
   */
  public ApiServerConfig withTransfers(int most, Duration wait) {
    return edit(edit -> {
      edit.maxTransfers = OptionalInt.of(most);
      edit.transferWait = wait;
    });
  }

  /** The same, its in-process data servers keeping {@code bytes} free on the disk. */
  public ApiServerConfig withMinFreeSpace(long bytes) {
    return edit(edit -> edit.minFreeSpace = bytes);
  }

  /** A new limit of transfers in shards: as configured, or as many as the heap holds. */
  public TransferLimit newTransferLimit() {
    return TransferLimit.of(maxTransfers.orElseGet(TransferLimit::defaultMost), transferWait);
  }

  /** A copy with what {@code change} sets changed, checked as any config is. */
  private ApiServerConfig edit(Consumer<Edit> change) {
    Edit edit = new Edit(this);
    change.accept(edit);
    return edit.build();
  }

  /**
   * The components of a config being copied with some changed: so that each {@code with} method
   * names only what it changes, and a new component is added here once, not to each of them.
   */
  private static final class Edit {
    private ServerAddress listenAddress;
    private Optional<URI> rabbitMqServer;
    private Path storageRoot;
    private OptionalInt dataServers;
    private Duration heartbeatExpiry;
    private Duration locateTimeout;
    private Optional<String> metadataUrl;
    private boolean instantUpload;
    private Duration stopTimeout;
    private Optional<String> erasureCode;
    private long smallObjectLimit;
    private long inlineBelow;
    private OptionalInt writeQuorum;
    private RepairSettings repair;
    private CollectSettings collect;
    private Duration uploadExpiry;
    private Duration uploadLease;
    private Compression compression;
    private OptionalLong smallContentCache;
    private OptionalInt maxTransfers;
    private Duration transferWait;
    private long minFreeSpace;

    private Edit(ApiServerConfig config) {
      listenAddress = config.listenAddress;
      rabbitMqServer = config.rabbitMqServer;
      storageRoot = config.storageRoot;
      dataServers = config.dataServers;
      heartbeatExpiry = config.heartbeatExpiry;
      locateTimeout = config.locateTimeout;
      metadataUrl = config.metadataUrl;
      instantUpload = config.instantUpload;
      stopTimeout = config.stopTimeout;
      erasureCode = config.erasureCode;
      smallObjectLimit = config.smallObjectLimit;
      inlineBelow = config.inlineBelow;
      writeQuorum = config.writeQuorum;
      repair = config.repair;
      collect = config.collect;
      uploadExpiry = config.uploadExpiry;
      uploadLease = config.uploadLease;
      compression = config.compression;
      smallContentCache = config.smallContentCache;
      maxTransfers = config.maxTransfers;
      transferWait = config.transferWait;
      minFreeSpace = config.minFreeSpace;
    }

    private ApiServerConfig build() {
      return new ApiServerConfig(listenAddress, rabbitMqServer, storageRoot, dataServers,
          heartbeatExpiry, locateTimeout, metadataUrl, instantUpload, stopTimeout, erasureCode,
          smallObjectLimit, inlineBelow, writeQuorum, repair, collect, uploadExpiry, uploadLease,
          compression, smallContentCache, maxTransfers, transferWait, minFreeSpace);
    }
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
                ? Integer.toString(dataServers.getAsInt()) : "(as the store has)")
            + " MIN_FREE_SPACE=" + minFreeSpace);
    return "LISTEN_ADDRESS=" + listenAddress + " " + mode
        + " HEARTBEAT_EXPIRY=" + heartbeatExpiry + " LOCATE_TIMEOUT=" + locateTimeout
        + " METADATA_URL=" + metadataUrl.map(Options::redact)
            .orElse("(embedded: " + embeddedMetadata().toAbsolutePath() + ")")
        + " INSTANT_UPLOAD=" + instantUpload
        + " STOP_TIMEOUT=" + stopTimeout
        + " ERASURE_CODE=" + erasureCode.orElse("(default)")
        + " SMALL_OBJECT_LIMIT=" + smallObjectLimit
        + " INLINE_BELOW=" + inlineBelow
        + " WRITE_QUORUM=" + (writeQuorum.isPresent()
            ? Integer.toString(writeQuorum.getAsInt()) : "(k+1)")
        + " REPAIR_INTERVAL=" + repair.interval() + " REPAIR_AFTER=" + repair.after()
        + " REPAIR_RATE=" + repair.bytesPerSecond()
        + " VERSIONS_KEPT=" + collect.keepVersions()
        + " VERSIONS_MAX_AGE=" + collect.maxAge().map(Duration::toString).orElse("(none)")
        + " COLLECT_INTERVAL=" + collect.interval() + " COLLECT_GRACE=" + collect.grace()
        + " COLLECT_RATE=" + collect.contentsPerSecond()
        + " UPLOAD_EXPIRY=" + uploadExpiry + " UPLOAD_LEASE=" + uploadLease
        + " COMPRESSION=" + compression.enabled()
        + " COMPRESSION_LEVEL=" + compression.level()
        + " SMALL_CONTENT_CACHE=" + (smallContentCache.isPresent()
            ? Long.toString(smallContentCache.getAsLong()) : "(default)")
        + " MAX_TRANSFERS=" + (maxTransfers.isPresent()
            ? Integer.toString(maxTransfers.getAsInt())
            : "(default: " + TransferLimit.defaultMost() + ")")
        + " TRANSFER_WAIT=" + transferWait;
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
