package dev.ostore.server.data;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.ShardId;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.http.Endpoint;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.CorruptShardException;
import dev.ostore.storage.ShardFile;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.ShardUpload;
import dev.ostore.stream.BlockFrames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Collection;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shards of erasure-coded content: {@code POST /shards/} uploads one (its body in {@link
 * BlockFrames}, named by the trailer), {@code PUT /shards/<hex>.<i>} one named up front, {@code
 * GET}, {@code HEAD} and {@code DELETE /shards/<hex>.<i>} (which may hold it for a collection
 * instead), and {@code GET /shards/} to list them in order, a page at a time, each with its
 * layout, size and written time; {@code PUT /shards/<hex>.<i>?upload=<upload>} makes a resumable
 * upload ({@link UploadEndpoints}) that shard. A read checks every block against its checksum
 * before sending it (and sends the checksums too when asked, for the reader to check again on
 * arrival); a shard that fails is moved aside and answered 404 if nothing was sent yet, else cut
 * short. Every successful answer names the server in {@value #SERVER_ID_HEADER}, so a client knows
 * which server's shards it is told about whatever address it reached them at (an error answer is
 * reset, its headers with it).
 */
final class ShardEndpoints {
  static final String PREFIX = "/shards/";
  static final String LAYOUT_HEADER = "Shard-Layout";
  static final String SIZE_HEADER = "Object-Size";
  static final String INDEX_HEADER = "Shard-Index";
  static final String SERVER_ID_HEADER = "Server-Id";
  static final String CHECKSUMS = "crc32c";
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  static final String HOLD_PARAMETER = "hold-written-before";
  private static final Pattern BLOCKS = Pattern.compile("([0-9]{1,18})-([0-9]{1,18})?");

  private final ShardStore store;
  private final ServerId server;

  ShardEndpoints(ShardStore store, ServerId server) {
    this.store = store;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    String shard = PREFIX + "{id}";
    routes.add("POST", PREFIX, named(this::post))
        .add("PUT", shard, named(this::put), "upload")
        .add("GET", shard, named(this::get), "blocks", "checksums")
        .add("HEAD", shard, named(this::head), "blocks", "checksums")
        .add("DELETE", shard, named(this::delete), HOLD_PARAMETER)
        .add("GET", PREFIX, named(this::list), "after", "limit");
  }

  private Endpoint named(Endpoint endpoint) {
    return named(server, endpoint);
  }

  /** The endpoint, its successful answers naming {@code server}. */
  static Endpoint named(ServerId server, Endpoint endpoint) {
    return exchange -> {
      exchange.setHeader(SERVER_ID_HEADER, server.hex());
      endpoint.handle(exchange);
    };
  }

  /**
   * Stores one shard whose blocks arrive framed, each checked against its CRC32C on the way in;
   * answers its id, 201 once durable or 200 when it was held already. A body cut short or
   * malformed keeps nothing.
   */
  private void post(Exchange exchange) throws IOException {
    Striping striping = stripingIn(exchange);
    receive(exchange, striping, indexIn(exchange, striping), Optional.empty());
  }

  /**
   * Stores a shard named up front by its path, its body framed as a POST's: what an api server
   * sends of small content, whose hash it knows before the first byte leaves. A trailer naming
   * other content is a 400, and nothing is stored.
   */
  private void put(Exchange exchange) throws IOException {
    ShardId id = idIn(exchange);
    Optional<String> upload = exchange.query("upload");
    if (upload.isPresent()) {
      commit(exchange, id, upload.get());
      return;
    }
    Striping striping = stripingIn(exchange);
    if (id.index() >= striping.totalShards()) {
      throw OstoreException.badRequest("shard " + id + " is not a shard of " + striping);
    }
    receive(exchange, striping, id.index(), Optional.of(id));
  }

  /**
   * Makes resumable upload {@code <upload>.<i>} shard {@code <hex>.<i>}: 201, or 200 when the
   * shard was held already; the upload is gone either way.
   */
  private void commit(Exchange exchange, ShardId id, String upload) throws IOException {
    UploadShardId from;
    try {
      from = new UploadShardId(upload, id.index());
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest("upload: " + e.getMessage());
    }
    stored(exchange, id, store.resumable().commit(from.toString(), id));
  }

  private void receive(Exchange exchange, Striping striping, int index, Optional<ShardId> named)
      throws IOException {
    ShardId id;
    boolean keptExisting;
    try (ShardUpload upload = store.create(index, striping)) {
      BlockFrames.Parser body = BlockFrames.parser(striping.chunkSize(), upload::append);
      exchange.copyRequestBodyTo(body, "shard " + index);
      BlockFrames.Trailer trailer = body.trailer();
      if (named.isPresent() && !named.get().hash().equals(trailer.hash())) {
        throw OstoreException.badRequest("the body of shard " + named.get()
            + " names the content " + trailer.hash());
      }
      id = upload.commit(trailer.hash(), trailer.objectSize());
      keptExisting = upload.keptExisting();
    }
    stored(exchange, id, keptExisting);
  }

  /** Answers a shard's id: 201 when stored now, 200 when it was held already. */
  private static void stored(Exchange exchange, ShardId id, boolean keptExisting)
      throws IOException {
    exchange.respondText(keptExisting ? 200 : 201, id.toString());
  }

  /**
   * Sends the blocks asked for, each checked first; with {@code checksums=crc32c}, as {@link
   * ShardRecords}, each followed by its checksum as stored, for the reader to check on arrival.
   */
  private void get(Exchange exchange) throws IOException {
    ShardId id = idIn(exchange);
    boolean records = checksumsIn(exchange);
    try (ShardFile file = open(id)) {
      long[] range = blocksIn(exchange, file.layout().blockCount(), "the shard's");
      OutputStream out = respond(exchange, file.layout(), range, records);
      if (records) {
        file.copyRecords(range[0], range[1], out);
      } else {
        file.copyBlocks(range[0], range[1], out);
      }
    } catch (CorruptShardException e) {
      // Before any byte left this becomes a 404; after, the connection is cut short.
      throw OstoreException.notFound(e.getMessage());
    }
  }

  private void head(Exchange exchange) throws IOException {
    ShardId id = idIn(exchange);
    try (ShardFile file = open(id)) {
      respond(exchange, file.layout(),
          blocksIn(exchange, file.layout().blockCount(), "the shard's"), checksumsIn(exchange));
    } catch (CorruptShardException e) {
      throw OstoreException.notFound(e.getMessage());
    }
  }

  /**
   * Deletes the shard for good, or with {@code ?hold-written-before=<epoch millis>} moves it to
   * the holding area ({@link HoldingEndpoints}) unless it was written since: then a 412.
   */
  private void delete(Exchange exchange) throws IOException {
    ShardId id = idIn(exchange);
    Optional<Instant> writtenBefore = writtenBeforeIn(exchange);
    if (writtenBefore.isPresent()) {
      hold(id, writtenBefore.get());
    } else if (!store.delete(id)) {
      throw notFound(id);
    }
    exchange.respond(204, -1);
  }

  private void hold(ShardId id, Instant writtenBefore) throws IOException {
    ShardStore.Hold hold = store.hold(List.of(id), writtenBefore).get(id);
    if (hold == ShardStore.Hold.ABSENT) {
      throw notFound(id);
    }
    if (hold == ShardStore.Hold.WRITTEN_SINCE) {
      throw new OstoreException(ErrorCode.PRECONDITION_FAILED, "shard " + id
          + " was written since " + writtenBefore.toEpochMilli() + ": kept in place");
    }
  }

  /** {@code ?hold-written-before=<epoch millis>}, if given; anything but a number is a 400. */
  static Optional<Instant> writtenBeforeIn(Exchange exchange) throws OstoreException {
    Optional<String> text = exchange.query(HOLD_PARAMETER);
    if (text.isPresent() && !text.get().matches("[0-9]{1,18}")) {
      throw OstoreException.badRequest(HOLD_PARAMETER + " is not a time in epoch milliseconds: "
          + text.get());
    }
    return text.map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)));
  }

  private void list(Exchange exchange) throws IOException {
    respondLines(exchange, store.listed(afterIn(exchange), limitIn(exchange)),
        shard -> shard.id() + " " + shard.layout().layoutText() + " "
            + shard.layout().objectSize() + " " + shard.written().toEpochMilli());
  }

  private ShardFile open(ShardId id) throws IOException {
    return store.open(id).orElseThrow(() -> notFound(id));
  }

  static OutputStream respond(Exchange exchange, ShardLayout layout, long[] range,
      boolean records) {
    exchange.setHeader("Content-Type", "application/octet-stream");
    exchange.setHeader(LAYOUT_HEADER, layout.layoutText());
    exchange.setHeader(SIZE_HEADER, Long.toString(layout.objectSize()));
    return exchange.respond(200, records ? ShardRecords.length(layout, range[0], range[1])
        : layout.rangeLength(range[0], range[1]));
  }

  /** Whether {@code ?checksums=crc32c} asks for the blocks as records; other values are a 400. */
  static boolean checksumsIn(Exchange exchange) throws OstoreException {
    Optional<String> text = exchange.query("checksums");
    if (text.isPresent() && !text.get().equals(CHECKSUMS)) {
      throw OstoreException.badRequest("checksums can only be " + CHECKSUMS + ": " + text.get());
    }
    return text.isPresent();
  }

  private static ShardId idIn(Exchange exchange) throws OstoreException {
    return idIn(exchange, PREFIX);
  }

  /** The shard id that follows {@code prefix} in the path. */
  static ShardId idIn(Exchange exchange, String prefix) throws OstoreException {
    String text = exchange.path().substring(prefix.length());
    try {
      return ShardId.parse(text);
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }

  static Striping stripingIn(Exchange exchange) throws OstoreException {
    String text = exchange.header(LAYOUT_HEADER).orElseThrow(() -> OstoreException.badRequest(
        "a shard upload needs a " + LAYOUT_HEADER + " header such as 4+2/65536"));
    try {
      return ShardLayout.parse(text.strip(), 0).striping();
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }

  private static int indexIn(Exchange exchange, Striping striping) throws OstoreException {
    String text = exchange.header(INDEX_HEADER).orElseThrow(() -> OstoreException.badRequest(
        "a shard upload needs a " + INDEX_HEADER + " header"));
    if (!text.strip().matches("0|[1-9][0-9]{0,2}")
        || Integer.parseInt(text.strip()) >= striping.totalShards()) {
      throw OstoreException.badRequest(INDEX_HEADER + " is not a shard of " + striping + ": "
          + text);
    }
    return Integer.parseInt(text.strip());
  }

  /**
   * {@code ?blocks=a-b} (inclusive; {@code a-} to the end) of {@code blocks} as {@code [a, b + 1)};
   * all without. A range past them is a 400 naming {@code whose} blocks they are.
   */
  static long[] blocksIn(Exchange exchange, long blocks, String whose) throws OstoreException {
    Optional<String> text = exchange.query("blocks");
    if (text.isEmpty()) {
      return new long[] {0, blocks};
    }
    Matcher m = BLOCKS.matcher(text.get());
    if (!m.matches()) {
      throw OstoreException.badRequest("blocks is not a range a-b or a-: " + text.get());
    }
    long from = Long.parseLong(m.group(1));
    long last = m.group(2) == null ? blocks - 1 : Long.parseLong(m.group(2));
    if (from > last || last >= blocks) {
      throw OstoreException.badRequest("blocks " + text.get() + " are not within " + whose + " "
          + blocks + " blocks");
    }
    return new long[] {from, last + 1};
  }

  /** Answers 200 with one plain-text line per item, as {@code line} writes it: a listing. */
  static <T> void respondLines(Exchange exchange, Collection<T> items, Function<T, String> line)
      throws IOException {
    StringBuilder lines = new StringBuilder();
    items.forEach(item -> lines.append(line.apply(item)).append('\n'));
    exchange.respond(200, "text/plain; charset=utf-8",
        lines.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** A listing of {@code <key> <held at, epoch millis>} lines, of shards or whole content. */
  static void respondHeld(Exchange exchange, SortedMap<?, Instant> held) throws IOException {
    respondLines(exchange, held.entrySet(),
        entry -> entry.getKey() + " " + entry.getValue().toEpochMilli());
  }

  static Optional<ShardId> afterIn(Exchange exchange) throws OstoreException {
    return afterIn(exchange, ShardId::parse);
  }

  /**
   * {@code ?after=}, where a listing resumes, read by {@code parse}, if given; what {@code parse}
   * refuses is a 400.
   */
  static <T> Optional<T> afterIn(Exchange exchange, Function<String, T> parse)
      throws OstoreException {
    Optional<String> text = exchange.query("after");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text.get()));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest("after: " + e.getMessage());
    }
  }

  static int limitIn(Exchange exchange) throws OstoreException {
    Optional<String> text = exchange.query("limit");
    if (text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    if (!text.get().matches("[0-9]{1,5}")
        || Integer.parseInt(text.get()) < 1 || Integer.parseInt(text.get()) > MAX_LIMIT) {
      throw OstoreException.badRequest("limit is not a number from 1 to " + MAX_LIMIT + ": "
          + text.get());
    }
    return Integer.parseInt(text.get());
  }

  private static OstoreException notFound(ShardId id) {
    return OstoreException.notFound("shard " + id + " not found");
  }
}
