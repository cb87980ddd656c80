package dev.ostore.server.data;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ResumableShards;
import dev.ostore.storage.ShardAppend;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.BlockFrames;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resumable shard uploads, {@code /uploads/<upload>.<i>}: a shard whose blocks arrive over several
 * requests. {@code PATCH ?from=<block>} appends framed blocks (as {@link BlockFrames}, with no
 * trailer) after the first {@code from}, creating the upload at block 0, and answers how many it
 * holds once they are forced; {@code HEAD} says so too, {@code GET} reads blocks back as a shard's
 * read does, {@code DELETE} deletes it. {@code PUT /shards/<hex>.<i>?upload=<upload>} ({@link
 * ShardEndpoints}) makes it a shard. A 409 says in {@value #BLOCKS_HEADER} how many blocks the
 * upload holds, so that the writer knows where to go on from.
 */
final class UploadEndpoints {
  static final String PREFIX = "/uploads/";
  static final String BLOCKS_HEADER = "Shard-Blocks";
  static final String EXPIRES_HEADER = "Upload-Expires";
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,17}");

  private final ResumableShards uploads;
  private final ServerId server;

  UploadEndpoints(ResumableShards uploads, ServerId server) {
    this.uploads = uploads;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    String upload = PREFIX + "{id}";
    routes.add("PATCH", upload, ShardEndpoints.named(server, this::patch), "from")
        .add("HEAD", upload, ShardEndpoints.named(server, this::head))
        .add("GET", upload, ShardEndpoints.named(server, this::get), "blocks", "checksums")
        .add("DELETE", upload, ShardEndpoints.named(server, this::delete));
  }

  /**
   * Drops the blocks past {@code from}, appends the body's, each checked against its CRC32C and
   * the layout as it arrives, and forces them before answering. A body that breaks off keeps the
   * whole blocks that came. An {@code Object-Size} other than the upload's re-declares its size
   * when the blocks kept allow it ({@link ResumableShards#append} says when).
   */
  private void patch(Exchange exchange) throws IOException {
    UploadShardId id = idIn(exchange);
    long from = number("from", exchange.query("from"));
    Striping striping = ShardEndpoints.stripingIn(exchange);
    long size = number(ShardEndpoints.SIZE_HEADER, exchange.header(ShardEndpoints.SIZE_HEADER));
    Instant expires = expiresIn(exchange);
    if (id.index() >= striping.totalShards()) {
      throw OstoreException.badRequest("upload " + id + " is not a shard of " + striping);
    }
    ShardLayout layout = ShardLayout.of(striping, size);
    long blocks;
    try (ShardAppend append = uploads.append(id.toString(), layout, expires, from)) {
      BlockFrames.Parser body = BlockFrames.blocksParser(striping.chunkSize(), append::append);
      exchange.copyRequestBodyTo(body, "upload " + id);
      body.checkEnded();
      blocks = append.finish();
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        uploads.held(id.toString()).ifPresent(held ->
            exchange.setLastingHeader(BLOCKS_HEADER, Long.toString(held.blocks())));
      }
      throw e;
    }
    exchange.setHeader(BLOCKS_HEADER, Long.toString(blocks));
    exchange.respond(200, 0).close();
  }

  private void head(Exchange exchange) throws IOException {
    UploadShardId id = idIn(exchange);
    ResumableShards.Held held = held(id);
    exchange.setHeader(BLOCKS_HEADER, Long.toString(held.blocks()));
    exchange.setHeader(ShardEndpoints.LAYOUT_HEADER, held.layout().layoutText());
    exchange.setHeader(ShardEndpoints.SIZE_HEADER, Long.toString(held.layout().objectSize()));
    exchange.respond(200, 0).close();
  }

  /** Sends the blocks asked for, of those held, as {@code GET /shards/<id>} sends a shard's. */
  private void get(Exchange exchange) throws IOException {
    UploadShardId id = idIn(exchange);
    boolean records = ShardEndpoints.checksumsIn(exchange);
    ResumableShards.Held held = held(id);
    long[] range = ShardEndpoints.blocksIn(exchange, held.blocks(), "the upload's");
    exchange.setHeader(BLOCKS_HEADER, Long.toString(held.blocks()));
    OutputStream out = ShardEndpoints.respond(exchange, held.layout(), range, records);
    uploads.copy(id.toString(), range[0], range[1], out, records);
  }

  private void delete(Exchange exchange) throws IOException {
    UploadShardId id = idIn(exchange);
    if (!uploads.delete(id.toString())) {
      throw notFound(id);
    }
    exchange.respond(204, -1);
  }

  private ResumableShards.Held held(UploadShardId id) throws OstoreException {
    return uploads.held(id.toString()).orElseThrow(() -> notFound(id));
  }

  private static UploadShardId idIn(Exchange exchange) throws OstoreException {
    try {
      return UploadShardId.parse(exchange.path().substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }

  private static Instant expiresIn(Exchange exchange) throws OstoreException {
    long seconds = number(EXPIRES_HEADER, exchange.header(EXPIRES_HEADER));
    if (seconds > Instant.MAX.getEpochSecond()) {
      throw OstoreException.badRequest(EXPIRES_HEADER + " is past the end of time: " + seconds);
    }
    return Instant.ofEpochSecond(seconds);
  }

  /** A required whole number: decimal digits, no leading zeros. */
  private static long number(String name, Optional<String> text) throws OstoreException {
    if (text.isEmpty() || !NUMBER.matcher(text.get().strip()).matches()) {
      throw OstoreException.badRequest("an append needs " + name
          + " as a whole number in decimal, not " + text.orElse("nothing"));
    }
    return Long.parseLong(text.get().strip());
  }

  private static OstoreException notFound(UploadShardId id) {
    return OstoreException.notFound("upload " + id + " not found");
  }
}
