package dev.ostore.dataserver;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.PutStream;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.OptionalLong;

/** {@link DataServerClient} on the data server's {@code /shards/} endpoints. */
final class HttpDataServerClient implements DataServerClient {
  static final String SHARDS = "/shards/";
  static final String LAYOUT_HEADER = "Shard-Layout";
  static final String SIZE_HEADER = "Object-Size";

  private final Transfers transfers;

  HttpDataServerClient(Transfers transfers) {
    this.transfers = transfers;
  }

  @Override
  public ShardWriter upload(ServerAddress server, ShardId id, ShardLayout layout)
      throws IOException {
    PutStream put;
    try {
      put = transfers.upload(server, "PUT", SHARDS + id,
          OptionalLong.of(layout.shardLength()), Map.of(LAYOUT_HEADER, layout.layoutText(),
              SIZE_HEADER, Long.toString(layout.objectSize())));
    } catch (IOException e) {
      throw named("upload", server, id, e);
    }
    return new Writer(put, server, id);
  }

  @Override
  public InputStream read(ServerAddress server, ShardId id, long fromBlock, long toBlock)
      throws IOException {
    if (fromBlock < 0 || fromBlock > toBlock) {
      throw new IllegalArgumentException("blocks [" + fromBlock + ", " + toBlock + ")");
    }
    if (fromBlock == toBlock) {
      return InputStream.nullInputStream(); // the protocol has no empty range to ask for
    }
    try {
      return transfers.get(server, SHARDS + id + "?blocks=" + fromBlock + "-" + (toBlock - 1));
    } catch (OstoreException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        NoSuchFileException missing = new NoSuchFileException(
            "shard " + id, null, "data server " + server + " does not hold it");
        missing.initCause(e);
        throw missing;
      }
      throw named("read", server, id, e);
    }
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
      throw named("delete", server, id, e);
    }
  }

  /** The failure, its code kept, saying which shard on which server it was about. */
  private static IOException named(String what, ServerAddress server, ShardId id,
      IOException e) {
    String message = "cannot " + what + " shard " + id + " on " + server + ": " + e.getMessage();
    return e instanceof OstoreException ostore
        ? new OstoreException(ostore.code(), message, e) : new IOException(message, e);
  }

  /** A {@link ShardWriter} on a {@link PutStream}. */
  private static final class Writer implements ShardWriter {
    private final PutStream put;
    private final ServerAddress server;
    private final ShardId id;
    private final OutputStream stream;
    private volatile boolean ended;

    Writer(PutStream put, ServerAddress server, ShardId id) {
      this.put = put;
      this.server = server;
      this.id = id;
      this.stream = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          try {
            put.write(bytes, offset, length);
          } catch (IOException e) {
            throw named("upload", server, id, e);
          }
        }

        @Override
        public void close() throws IOException {
          finish();
        }
      };
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public void finish() throws IOException {
      if (ended) {
        return;
      }
      ended = true;
      try {
        put.close();
      } catch (IOException e) {
        throw named("upload", server, id, e);
      }
    }

    @Override
    public void abort() {
      ended = true;
      put.abort(new IOException("the upload of shard " + id + " to " + server + " was aborted"));
    }

    @Override
    public void close() {
      if (!ended) {
        abort();
      }
    }
  }
}
