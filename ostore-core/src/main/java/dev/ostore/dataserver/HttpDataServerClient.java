package dev.ostore.dataserver;

import com.google.common.collect.Lists;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import dev.ostore.stream.BlockFrames;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.PutStream;
import dev.ostore.stream.SentRequest;
import dev.ostore.stream.Transfers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@link DataServerClient} on a data server's {@code /shards/}, {@code /uploads/} and {@code
 * /holding/} endpoints, and for content stored whole its {@code /objects/} and {@code
 * /held-objects/}.
 */
final class HttpDataServerClient implements DataServerClient {
  static final String SHARDS = "/shards/";
  static final String OBJECTS = "/objects/";
  static final String LAYOUT_HEADER = "Shard-Layout";
  static final String INDEX_HEADER = "Shard-Index";
  static final String SIZE_HEADER = "Object-Size";
  static final String CHECKSUMS = "crc32c";
  static final String UPLOADS = "/uploads/";
  static final String BLOCKS_HEADER = "Shard-Blocks";
  static final String EXPIRES_HEADER = "Upload-Expires";
  static final String HOLDING = "/holding/";
  static final String HELD_OBJECTS = "/held-objects/";
  static final String HOLD_PARAMETER = "hold-written-before";

  private final Transfers transfers;

  HttpDataServerClient(Transfers transfers) {
    this.transfers = transfers;
  }

  @Override
  public ShardWriter upload(ServerAddress server, int index, Striping striping)
      throws IOException {
    PutStream put;
    try {
      put = transfers.upload(server, "POST", SHARDS, OptionalLong.empty(), Map.of(
          LAYOUT_HEADER, striping.toString(), INDEX_HEADER, Integer.toString(index)));
    } catch (IOException e) {
      throw named("upload", server, "shard " + index, e);
    }
    return new Writer(put, server, index);
  }

  /** A {@code PUT /shards/<id>} of the framed shard, named up front, on a pooled connection. */
  @Override
  public PendingShard store(ServerAddress server, ShardId id, Striping striping,
      long objectSize, byte[] shard) throws IOException {
    // Room for one block's frame and the trailer: a small shard is one block.
    ByteArrayOutputStream body = new ByteArrayOutputStream(shard.length + 64);
    ShardBlocks.split(shard, striping,
        (bytes, offset, length) -> BlockFrames.writeBlock(body, bytes, offset, length));
    BlockFrames.writeEnd(body, id.hash(), objectSize);
    SentRequest sent;
    try {
      sent = transfers.send(server, "PUT", SHARDS + id, Map.of(LAYOUT_HEADER,
          striping.toString()), body.toByteArray());
    } catch (IOException e) {
      throw named("upload", server, "shard " + id, e);
    }
    return () -> {
      try {
        return ShardWrite.of(sent.answer().status());
      } catch (IOException e) {
        throw named("upload", server, "shard " + id, e);
      }
    };
  }

  /**
   * Asks for the blocks with their checksums, and checks each where it arrives: a block damaged
   * on the wire (or by the sender after its own check) never reaches the reader.
   */
  @Override
  public InputStream read(ServerAddress server, ShardId id, ShardLayout layout, long fromBlock,
      long toBlock) throws IOException {
    return readBlocks(server, SHARDS + id, "shard " + id, Optional.of(layout), fromBlock,
        toBlock);
  }

  /**
   * Blocks {@code [fromBlock, toBlock)} of the shard or upload at {@code path}, checked, and of
   * the layout {@code expected}, if given.
   */
  private InputStream readBlocks(ServerAddress server, String path, String what,
      Optional<ShardLayout> expected, long fromBlock, long toBlock) throws IOException {
    if (fromBlock < 0 || fromBlock > toBlock) {
      throw new IllegalArgumentException("blocks [" + fromBlock + ", " + toBlock + ")");
    }
    if (fromBlock == toBlock) {
      return InputStream.nullInputStream(); // the protocol has no empty range to ask for
    }
    GetStream in;
    try {
      in = transfers.get(server, path + "?blocks=" + fromBlock + "-" + (toBlock - 1)
          + "&checksums=" + CHECKSUMS);
    } catch (OstoreException e) {
      throw notHeld("read", server, what, e);
    }
    try {
      ShardLayout layout = ShardLayout.parse(in.header(LAYOUT_HEADER).orElse(null),
          Long.parseLong(in.header(SIZE_HEADER).orElse("-1")));
      if (expected.isPresent() && !expected.get().equals(layout)) {
        throw new IllegalArgumentException(heldOtherwise(layout, expected.get()));
      }
      if (in.length() != ShardRecords.length(layout, fromBlock, toBlock)) {
        throw new IllegalArgumentException("it sent " + in.length() + " bytes for blocks ["
            + fromBlock + ", " + toBlock + ") of " + layout);
      }
      return ShardRecords.checking(in, layout, fromBlock, toBlock, what + " from " + server);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      in.close();
      throw wrongRead(server, what, e.getMessage(), e);
    }
  }

  /** A read of {@code what} that {@code server} answered with other blocks than asked for. */
  static OstoreException wrongRead(ServerAddress server, String what, String why,
      Throwable cause) {
    return new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server " + server
        + " answered a read of " + what + " wrongly: " + why, cause);
  }

  /** Why a shard held as {@code held} cannot be read as {@code expected}. */
  static String heldOtherwise(ShardLayout held, ShardLayout expected) {
    return "it holds it as " + describe(held) + ", not as " + describe(expected)
        + ": stored by a write under other settings";
  }

  private static String describe(ShardLayout layout) {
    return layout.layoutText() + " of " + layout.objectSize() + " bytes";
  }

  /** A {@code PATCH /uploads/<id>?from=<block>} of framed blocks, the end, and no trailer. */
  @Override
  public BlockAppend append(ServerAddress server, UploadShardId id, Striping striping,
      long objectSize, Instant expires, long fromBlock) throws IOException {
    if (fromBlock < 0) {
      throw new IllegalArgumentException("fromBlock (" + fromBlock + ") is negative");
    }
    PutStream put;
    try {
      put = transfers.upload(server, "PATCH", UPLOADS + id + "?from=" + fromBlock,
          OptionalLong.empty(), Map.of(LAYOUT_HEADER, striping.toString(),
              SIZE_HEADER, Long.toString(objectSize),
              EXPIRES_HEADER, Long.toString(expires.getEpochSecond())));
    } catch (IOException e) {
      throw named("append to", server, "upload " + id, e);
    }
    return new Appender(put, server, id);
  }

  @Override
  public long uploadedBlocks(ServerAddress server, UploadShardId id) throws IOException {
    Optional<String> blocks;
    try {
      blocks = transfers.header(server, UPLOADS + id, BLOCKS_HEADER);
    } catch (OstoreException e) {
      throw notHeld("count the blocks of", server, "upload " + id, e);
    }
    return blocksIn(blocks, server, "upload " + id);
  }

  @Override
  public InputStream readUpload(ServerAddress server, UploadShardId id, long fromBlock,
      long toBlock) throws IOException {
    return readBlocks(server, UPLOADS + id, "upload " + id, Optional.empty(), fromBlock,
        toBlock);
  }

  /** A {@code PUT /shards/<hex>.<i>?upload=<upload>}: no body, 201 or 200. */
  @Override
  public ShardWrite commitUpload(ServerAddress server, UploadShardId id, ContentHash hash)
      throws IOException {
    ShardId shard = new ShardId(hash, id.index());
    try {
      return ShardWrite.of(transfers.call(server, "PUT", SHARDS + shard + "?upload="
          + id.upload(), Map.of()).status());
    } catch (OstoreException e) {
      throw notHeld("commit", server, "upload " + id, e);
    }
  }

  @Override
  public boolean deleteUpload(ServerAddress server, UploadShardId id) throws IOException {
    return delete(server, UPLOADS + id, "upload " + id);
  }

  @Override
  public boolean delete(ServerAddress server, ShardId id) throws IOException {
    return delete(server, SHARDS + id, "shard " + id);
  }

  /** {@code DELETE path}: false when the server answers 404, holding no {@code what}. */
  private boolean delete(ServerAddress server, String path, String what) throws IOException {
    return callIfHeld(server, "DELETE", path, "delete", what);
  }

  /**
   * {@code method path}, without a body: false when the server answers 404, holding no {@code
   * what}; any other failure names {@code verb} and {@code what}, its code kept.
   */
  private boolean callIfHeld(ServerAddress server, String method, String path, String verb,
      String what) throws IOException {
    try {
      transfers.call(server, method, path, Map.of());
      return true;
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return false;
      }
      throw named(verb, server, what, e);
    }
  }

  /**
   * A {@code POST /holding/?hold-written-before=<epoch millis>} of the ids, one a line, answered
   * with a line {@code <hex>.<i> held|absent|written-since} for each, in the order sent: any
   * other answer is an IOException.
   */
  @Override
  public Map<ShardId, Hold> hold(ServerAddress server, List<ShardId> ids, Instant writtenBefore)
      throws IOException {
    // Each id once: the server answers an id given twice once.
    List<ShardId> distinct = List.copyOf(new LinkedHashSet<>(ids));
    Map<ShardId, Hold> answers = new LinkedHashMap<>();
    for (List<ShardId> request : Lists.partition(distinct, MAX_HOLD)) {
      answers.putAll(hold(server, request, writtenBefore.toEpochMilli()));
    }
    return answers;
  }

  /** One request of at most {@link #MAX_HOLD} distinct ids. */
  private Map<ShardId, Hold> hold(ServerAddress server, List<ShardId> sent, long writtenBefore)
      throws IOException {
    StringBuilder body = new StringBuilder();
    sent.forEach(id -> body.append(id).append('\n'));
    // Milliseconds cut down: the server then refuses a shard written within the one cut off.
    String path = HOLDING + "?" + HOLD_PARAMETER + "=" + writtenBefore;
    String what = sent.size() + " shards";
    String text;
    try (GetStream in = transfers.exchange(server, "POST", path,
        Map.of("Content-Type", "text/plain; charset=utf-8"),
        body.toString().getBytes(StandardCharsets.US_ASCII))) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw named("hold", server, what, e);
    }
    return answers(server, "answered a hold of " + what + " with", sent, text);
  }

  /**
   * The answers in {@code text}, a line for each id {@code sent}, in that order; a line more or
   * less, or out of order, is an IOException saying that the server {@code did} it.
   */
  private static Map<ShardId, Hold> answers(ServerAddress server, String did,
      List<ShardId> sent, String text) throws IOException {
    List<HoldAnswer> lines = lines(server, text, did, HoldAnswer::parse);
    if (lines.size() != sent.size()) {
      throw new IOException("data server " + server + " " + did + " " + lines.size() + " lines");
    }
    Map<ShardId, Hold> answers = new LinkedHashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      if (!lines.get(i).id().equals(sent.get(i))) {
        throw new IOException("data server " + server + " " + did + " " + lines.get(i).id()
            + " where " + sent.get(i) + " was due");
      }
      answers.put(sent.get(i), lines.get(i).hold());
    }
    return answers;
  }

  @Override
  public boolean restore(ServerAddress server, ShardId id) throws IOException {
    return callIfHeld(server, "POST", HOLDING + id, "restore", "held shard " + id);
  }

  @Override
  public List<ListedShard> list(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    return listing(server, SHARDS, after, limit, "the shards", ListedShard::parse);
  }

  @Override
  public List<HeldShard> listHeld(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    return listing(server, HOLDING, after, limit, "the held shards", HeldShard::parse);
  }

  /**
   * A page of the listing at {@code path}, each line read by {@code parse}, which throws an
   * IllegalArgumentException for a line it cannot read: then the listing is an IOException.
   */
  private <T> List<T> listing(ServerAddress server, String path, Optional<?> after, int limit,
      String what, Function<String, T> parse) throws IOException {
    String query = "?limit=" + limit + after.map(key -> "&after=" + key).orElse("");
    String text;
    try (GetStream in = transfers.get(server, path + query)) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw named("list", server, what, e);
    }
    return lines(server, text, "listed", parse);
  }

  /**
   * The non-blank lines of {@code server}'s answer {@code text}, each read by {@code parse}; a
   * line it cannot read is an IOException saying that the server {@code did} it.
   */
  private static <T> List<T> lines(ServerAddress server, String text, String did,
      Function<String, T> parse) throws IOException {
    List<T> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        try {
          lines.add(parse.apply(line));
        } catch (IllegalArgumentException e) {
          throw new IOException("data server " + server + " " + did + " " + e.getMessage(), e);
        }
      }
    }
    return lines;
  }

  @Override
  public GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException {
    return transfers.get(server, OBJECTS + hash.hex());
  }

  @Override
  public List<ListedWhole> listWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    return listing(server, OBJECTS, after, limit, "the content stored whole", ListedWhole::parse);
  }

  /**
   * A {@code DELETE /objects/<hex>?hold-written-before=<epoch millis>}: 204 held, 404 absent, 412
   * written since.
   */
  @Override
  public Hold holdWhole(ServerAddress server, ContentHash hash, Instant writtenBefore)
      throws IOException {
    // Milliseconds cut down: the server then keeps content written within the one cut off.
    String path = OBJECTS + hash.hex() + "?" + HOLD_PARAMETER + "=" + writtenBefore.toEpochMilli();
    try {
      transfers.call(server, "DELETE", path, Map.of());
      return Hold.HELD;
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return Hold.ABSENT;
      }
      if (e.code() == ErrorCode.PRECONDITION_FAILED) {
        return Hold.WRITTEN_SINCE;
      }
      throw named("hold", server, "content " + hash, e);
    }
  }

  @Override
  public List<HeldWhole> listHeldWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    return listing(server, HELD_OBJECTS, after, limit, "the content held whole",
        HeldWhole::parse);
  }

  @Override
  public boolean restoreWhole(ServerAddress server, ContentHash hash) throws IOException {
    return callIfHeld(server, "POST", HELD_OBJECTS + hash.hex(), "restore",
        "held content " + hash);
  }

  /**
   * A {@link NoSuchFileException} when the server does not hold {@code what}, else the failure
   * named as {@link #named} names it.
   */
  private static IOException notHeld(String verb, ServerAddress server, String what,
      OstoreException e) {
    if (e.code() != ErrorCode.NOT_FOUND) {
      return named(verb, server, what, e);
    }
    return missing(server, what, e);
  }

  /** That {@code server} does not hold {@code what}, as {@code cause} told. */
  static NoSuchFileException missing(ServerAddress server, String what, IOException cause) {
    NoSuchFileException missing = new NoSuchFileException(
        what, null, "data server " + server + " does not hold it");
    missing.initCause(cause);
    return missing;
  }

  /** The blocks a {@value #BLOCKS_HEADER} header says an upload holds. */
  private static long blocksIn(Optional<String> header, ServerAddress server, String upload)
      throws OstoreException {
    if (header.isEmpty() || !header.get().matches("0|[1-9][0-9]{0,17}")) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server " + server
          + " answered for " + upload + " without a count of blocks (" + BLOCKS_HEADER + ": "
          + header.orElse("none") + ")");
    }
    return Long.parseLong(header.get());
  }

  /** The failure, its code kept, saying which shard on which server it was about. */
  private static IOException named(String what, ServerAddress server, String shard,
      IOException e) {
    String message = "cannot " + what + " " + shard + " on " + server + ": " + e.getMessage();
    return e instanceof OstoreException ostore
        ? new OstoreException(ostore.code(), message, e) : new IOException(message, e);
  }

  /** Blocks framed on a {@link PutStream}, as {@link BlockFrames}: a shard's or an append's. */
  private abstract static class FramedBlocks {
    private final PutStream put;
    final ServerAddress server;
    private final String verb;
    private final String what;
    private volatile boolean ended;

    FramedBlocks(PutStream put, ServerAddress server, String verb, String what) {
      this.put = put;
      this.server = server;
      this.verb = verb;
      this.what = what;
    }

    public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
      try {
        BlockFrames.writeBlock(put, bytes, offset, length);
      } catch (IOException e) {
        throw named(verb, server, what, e);
      }
    }

    /**
     * Ends the body as {@code end} writes it, waits for the server's answer and returns the
     * stream, to read the answer's headers; a failure names {@code shown}.
     */
    PutStream end(BodyEnd end, String shown) throws IOException {
      if (ended) {
        throw new IllegalStateException("the " + verb + " " + shown + " is over");
      }
      ended = true;
      try {
        end.writeTo(put);
        put.close();
      } catch (IOException e) {
        throw named(verb, server, shown, e);
      }
      return put;
    }

    public void abort() {
      ended = true;
      put.abort(new IOException("the " + verb + " " + what + " on " + server
          + " was aborted"));
    }

    public void close() {
      if (!ended) {
        abort();
      }
    }
  }

  private interface BodyEnd {
    void writeTo(PutStream put) throws IOException;
  }

  /** A {@link ShardWriter} on a {@link PutStream}, in {@link BlockFrames}. */
  private static final class Writer extends FramedBlocks implements ShardWriter {
    private final int index;

    Writer(PutStream put, ServerAddress server, int index) {
      super(put, server, "upload", "shard " + index);
      this.index = index;
    }

    @Override
    public ShardWrite finish(ContentHash hash, long objectSize) throws IOException {
      ShardId id = new ShardId(hash, index);
      return ShardWrite.of(end(put -> BlockFrames.writeEnd(put, hash, objectSize), "shard " + id)
          .answerStatus());
    }
  }

  /** A {@link BlockAppend} on a {@link PutStream}: frames and their end, with no trailer. */
  private static final class Appender extends FramedBlocks implements BlockAppend {
    private final UploadShardId id;

    Appender(PutStream put, ServerAddress server, UploadShardId id) {
      super(put, server, "append to", "upload " + id);
      this.id = id;
    }

    @Override
    public long finish() throws IOException {
      PutStream answered = end(BlockFrames::writeEnd, "upload " + id);
      return blocksIn(answered.answerHeader(BLOCKS_HEADER), server, "upload " + id);
    }
  }
}
