package dev.ostore.dataserver;

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
import java.time.Instant;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.OptionalLong;

/** {@link DataServerClient} on the data server's {@code /shards/} endpoints. */
final class HttpDataServerClient implements DataServerClient {
  static final String SHARDS = "/shards/";
  static final String OBJECTS = "/objects/";
  static final String LAYOUT_HEADER = "Shard-Layout";
  static final String INDEX_HEADER = "Shard-Index";
  static final String SIZE_HEADER = "Object-Size";
  static final String CHECKSUMS = "crc32c";

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
    for (int at = 0; at < shard.length; at += striping.chunkSize()) {
      BlockFrames.writeBlock(body, shard, at, Math.min(striping.chunkSize(), shard.length - at));
    }
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
        sent.answer();
      } catch (IOException e) {
        throw named("upload", server, "shard " + id, e);
      }
      return id;
    };
  }

  /**
   * Asks for the blocks with their checksums, and checks each where it arrives: a block damaged
   * on the wire (or by the sender after its own check) never reaches the reader.
   */
  @Override
  public InputStream read(ServerAddress server, ShardId id, long fromBlock, long toBlock)
      throws IOException {
    if (fromBlock < 0 || fromBlock > toBlock) {
      throw new IllegalArgumentException("blocks [" + fromBlock + ", " + toBlock + ")");
    }
    if (fromBlock == toBlock) {
      return InputStream.nullInputStream(); // the protocol has no empty range to ask for
    }
    GetStream in;
    try {
      in = transfers.get(server, SHARDS + id + "?blocks=" + fromBlock + "-" + (toBlock - 1)
          + "&checksums=" + CHECKSUMS);
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        NoSuchFileException missing = new NoSuchFileException(
            "shard " + id, null, "data server " + server + " does not hold it");
        missing.initCause(e);
        throw missing;
      }
      throw named("read", server, "shard " + id, e);
    }
    try {
      ShardLayout layout = ShardLayout.parse(in.header(LAYOUT_HEADER).orElse(null),
          Long.parseLong(in.header(SIZE_HEADER).orElse("-1")));
      if (in.length() != ShardRecords.length(layout, fromBlock, toBlock)) {
        throw new IllegalArgumentException("it sent " + in.length() + " bytes for blocks ["
            + fromBlock + ", " + toBlock + ") of " + layout);
      }
      return ShardRecords.checking(in, layout, fromBlock, toBlock, "shard " + id + " from "
          + server);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      in.close();
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server " + server
          + " answered a read of shard " + id + " wrongly: " + e.getMessage(), e);
    }
  }

  @Override
  public BlockAppend append(ServerAddress server, UploadShardId id, Striping striping,
      long objectSize, Instant expires, long fromBlock) throws IOException {
    throw new UnsupportedOperationException("res-data implements it");
  }

  @Override
  public long uploadedBlocks(ServerAddress server, UploadShardId id) throws IOException {
    throw new UnsupportedOperationException("res-data implements it");
  }

  @Override
  public InputStream readUpload(ServerAddress server, UploadShardId id, long fromBlock,
      long toBlock) throws IOException {
    throw new UnsupportedOperationException("res-data implements it");
  }

  @Override
  public ShardId commitUpload(ServerAddress server, UploadShardId id, ContentHash hash)
      throws IOException {
    throw new UnsupportedOperationException("res-data implements it");
  }

  @Override
  public boolean deleteUpload(ServerAddress server, UploadShardId id) throws IOException {
    throw new UnsupportedOperationException("res-data implements it");
  }

  @Override
  public boolean delete(ServerAddress server, ShardId id) throws IOException {
    try {
      transfers.call(server, "DELETE", SHARDS + id, Map.of());
      return true;
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return false;
      }
      throw named("delete", server, "shard " + id, e);
    }
  }

  @Override
  public List<ListedShard> list(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    String query = "?limit=" + limit + after.map(id -> "&after=" + id).orElse("");
    String text;
    try (GetStream in = transfers.get(server, SHARDS + query)) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw named("list", server, "the shards", e);
    }
    List<ListedShard> shards = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        try {
          shards.add(ListedShard.parse(line));
        } catch (IllegalArgumentException e) {
          throw new IOException("data server " + server + " listed " + e.getMessage(), e);
        }
      }
    }
    return shards;
  }

  @Override
  public GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException {
    return transfers.get(server, OBJECTS + hash.hex());
  }

  @Override
  public long wholeSize(ServerAddress server, ContentHash hash) throws IOException {
    return transfers.size(server, OBJECTS + hash.hex());
  }

  /** The failure, its code kept, saying which shard on which server it was about. */
  private static IOException named(String what, ServerAddress server, String shard,
      IOException e) {
    String message = "cannot " + what + " " + shard + " on " + server + ": " + e.getMessage();
    return e instanceof OstoreException ostore
        ? new OstoreException(ostore.code(), message, e) : new IOException(message, e);
  }

  /** A {@link ShardWriter} on a {@link PutStream}, in {@link BlockFrames}. */
  private static final class Writer implements ShardWriter {
    private final PutStream put;
    private final ServerAddress server;
    private final int index;
    private volatile boolean ended;

    Writer(PutStream put, ServerAddress server, int index) {
      this.put = put;
      this.server = server;
      this.index = index;
    }

    @Override
    public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
      try {
        BlockFrames.writeBlock(put, bytes, offset, length);
      } catch (IOException e) {
        throw named("upload", server, "shard " + index, e);
      }
    }

    @Override
    public ShardId finish(ContentHash hash, long objectSize) throws IOException {
      ShardId id = new ShardId(hash, index);
      if (ended) {
        throw new IllegalStateException("the upload of " + id + " is over");
      }
      ended = true;
      try {
        BlockFrames.writeEnd(put, hash, objectSize);
        put.close();
      } catch (IOException e) {
        throw named("upload", server, "shard " + id, e);
      }
      return id;
    }

    @Override
    public void abort() {
      ended = true;
      put.abort(new IOException("the upload of shard " + index + " to " + server
          + " was aborted"));
    }

    @Override
    public void close() {
      if (!ended) {
        abort();
      }
    }
  }
}
