package dev.ostore.server.api;

import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.ShardId;
import dev.ostore.bus.MessageBus;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.Endpoint;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import dev.ostore.stream.BlockFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A data server in memory that misbehaves when told to: it takes and serves shards as a real one
 * does ({@code POST /shards/} and {@code PUT /shards/<id>} in block frames, {@code GET} and {@code
 * DELETE /shards/<id>}) and announces itself, but a test can replace how it answers an upload
 * (either kind: {@link #onPost}) or a {@code GET}, and can make it claim shards it does not hold.
 */
final class FakeDataServer implements AutoCloseable {
  private static final String SHARDS = "/shards/";
  private static final Pattern BLOCKS = Pattern.compile("([0-9]+)-([0-9]+)");

  /**
   * A shard as committed: its layout, its content's size, its bytes, block after block, and the
   * checksum of each block as they were when it was committed (a test may change the bytes).
   */
  record Shard(Striping striping, long objectSize, byte[] bytes, int[] checksums) {
    Shard(Striping striping, long objectSize, byte[] bytes) {
      this(striping, objectSize, bytes, checksums(ShardLayout.of(striping, objectSize), bytes));
    }

    private static int[] checksums(ShardLayout layout, byte[] bytes) {
      int[] crcs = new int[(int) layout.blockCount()];
      for (int b = 0; b < crcs.length; b++) {
        crcs[b] = ShardRecords.crc(bytes, b * layout.chunkSize(), layout.blockLength(b), b);
      }
      return crcs;
    }
  }

  /** The shards it holds. */
  final Map<ShardId, Shard> shards = new ConcurrentHashMap<>();
  /** Shards it claims to hold beside {@link #shards}, in its answers to locates. */
  final Set<ShardId> claimed = ConcurrentHashMap.newKeySet();
  volatile Endpoint onPost = this::store;
  volatile Endpoint onGet = this::serve;
  private final HttpService http;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LocateResponder responder;
  private final HeartbeatPublisher heartbeat;

  FakeDataServer(MessageBus bus) throws IOException {
    http = HttpService.start("fake-data", new ServerAddress("127.0.0.1", 0), Routes.builder()
        .add("POST", SHARDS, exchange -> onPost.handle(exchange))
        .add("PUT", SHARDS + "{id}", exchange -> onPost.handle(exchange))
        .add("GET", SHARDS + "{id}", exchange -> onGet.handle(exchange), "blocks", "checksums")
        .add("DELETE", SHARDS + "{id}", this::delete)
        .build(), HttpService.Settings.DEFAULT);
    ServerId id = ServerId.random();
    responder = LocateResponder.start(bus, http.address(), id, key -> false, this::held);
    heartbeat = HeartbeatPublisher.start(bus, new Heartbeat(http.address(), id),
        Duration.ofSeconds(5), scheduler);
  }

  ServerAddress address() {
    return http.address();
  }

  /** Stops serving HTTP but keeps announcing itself and answering locates, like a hung server. */
  void stopHttp() {
    http.close();
  }

  /** What an upload does unless a test says otherwise: parse the frames and keep the shard. */
  void store(Exchange exchange) throws IOException {
    Striping striping = Striping.parse(exchange.header("Shard-Layout").orElseThrow());
    int index = exchange.method().equals("PUT") ? id(exchange).index()
        : Integer.parseInt(exchange.header("Shard-Index").orElseThrow());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BlockFrames.Parser body = BlockFrames.parser(striping.chunkSize(), bytes::write);
    exchange.copyRequestBodyTo(body, "shard " + index);
    BlockFrames.Trailer trailer = body.trailer();
    ShardId id = new ShardId(trailer.hash(), index);
    boolean held = shards.putIfAbsent(id,
        new Shard(striping, trailer.objectSize(), bytes.toByteArray())) != null;
    exchange.respond(held ? 200 : 201, "text/plain; charset=utf-8",
        (id + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * What a GET does unless a test says otherwise: send the blocks asked for, all without, each
   * with its checksum as committed when asked for them with their checksums.
   */
  private void serve(Exchange exchange) throws IOException {
    Shard shard = shards.get(id(exchange));
    if (shard == null) {
      throw OstoreException.notFound("shard " + id(exchange) + " not found");
    }
    ShardLayout layout = ShardLayout.of(shard.striping(), shard.objectSize());
    long from = 0;
    long to = layout.blockCount();
    Matcher range = BLOCKS.matcher(exchange.query("blocks").orElse(""));
    if (range.matches()) {
      from = Long.parseLong(range.group(1));
      to = Long.parseLong(range.group(2)) + 1;
    }
    boolean records = exchange.query("checksums").isPresent();
    exchange.setHeader("Shard-Layout", layout.layoutText());
    exchange.setHeader("Object-Size", Long.toString(layout.objectSize()));
    try (OutputStream out = exchange.respond(200, records
        ? ShardRecords.length(layout, from, to) : layout.rangeLength(from, to))) {
      for (long b = from; b < to; b++) {
        out.write(shard.bytes(), (int) b * layout.chunkSize(), layout.blockLength(b));
        if (records) {
          out.write(ByteBuffer.allocate(ShardRecords.CRC_BYTES)
              .putInt(0, shard.checksums()[(int) b]).array());
        }
      }
    }
  }

  private void delete(Exchange exchange) throws IOException {
    if (shards.remove(id(exchange)) == null) {
      throw OstoreException.notFound("shard " + id(exchange) + " not found");
    }
    exchange.respond(204, -1);
  }

  /** The indexes of the key's shards that it holds or claims, in order. */
  private List<Integer> held(String key) {
    return Stream.concat(shards.keySet().stream(), claimed.stream())
        .filter(id -> id.hash().hex().equals(key))
        .map(ShardId::index).distinct().sorted().toList();
  }

  private static ShardId id(Exchange exchange) throws OstoreException {
    try {
      return ShardId.parse(exchange.path().substring(SHARDS.length()));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }

  @Override
  public void close() {
    heartbeat.close();
    responder.close();
    scheduler.shutdownNow();
    http.close();
  }
}
