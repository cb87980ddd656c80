package dev.ostore.stream;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The body of a shard upload, which starts before the content's hash is known: each block
 * framed as {@code u32 length (> 0) | bytes | u32 CRC32C(bytes)}, then {@code u32 0}, then a
 * trailer {@code 32-byte SHA-256 | u64 object size | u32 CRC32C(those 40 bytes)}, big-endian. The
 * checksums carry each block's integrity from the api server's memory to the data server's disk.
 * The api server writes frames with {@link #writeBlock} and {@link #writeEnd}; the data server
 * parses them as they arrive with a {@link Parser}. An append to a resumable shard upload, whose
 * content is named only at its commit, is the same frames and {@code u32 0} with no trailer:
 * {@link #writeEnd(OutputStream)} and {@link #blocksParser}.
 */
public final class BlockFrames {
  private static final int INT = Integer.BYTES;
  private static final int TRAILER = 32 + Long.BYTES + INT;

  private BlockFrames() {}

  /** Where parsed blocks go, each checked, in order. */
  public interface Sink {
    void block(byte[] bytes, int offset, int length) throws IOException;
  }

  /** What the trailer says: the content the blocks belong to. */
  public record Trailer(ContentHash hash, long objectSize) {}

  /** Writes one block's frame. */
  public static void writeBlock(OutputStream out, byte[] bytes, int offset, int length)
      throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length < 1) {
      throw new IllegalArgumentException("a block has at least one byte");
    }
    out.write(ByteBuffer.allocate(INT).putInt(0, length).array());
    out.write(bytes, offset, length);
    out.write(ByteBuffer.allocate(INT).putInt(0, crc(bytes, offset, length)).array());
  }

  /** Writes the end of the blocks and the trailer. */
  public static void writeEnd(OutputStream out, ContentHash hash, long objectSize)
      throws IOException {
    ByteBuffer end = ByteBuffer.allocate(INT + TRAILER);
    end.putInt(0).put(hash.bytes()).putLong(objectSize);
    end.putInt(crc(end.array(), INT, TRAILER - INT));
    out.write(end.array());
  }

  /** Writes the end of the blocks of an append, which has no trailer. */
  public static void writeEnd(OutputStream out) throws IOException {
    out.write(new byte[INT]);
  }

  /**
   * A parser handing blocks of at most {@code maxBlock} bytes to {@code sink}: write the body
   * to it as it arrives, then ask for its {@link Parser#trailer}. A malformed frame or a block
   * that fails its checksum is a {@code BAD_REQUEST} at the write that completes it.
   */
  public static Parser parser(int maxBlock, Sink sink) {
    return new Parser(maxBlock, sink, true);
  }

  /**
   * A parser of a body with no trailer, as an append sends: as {@link #parser}, but the body ends
   * right after its {@code u32 0}, which {@link Parser#checkEnded} checks.
   */
  public static Parser blocksParser(int maxBlock, Sink sink) {
    return new Parser(maxBlock, sink, false);
  }

  /** Parses frames pushed into it; see {@link #parser}. Not thread-safe. */
  public static final class Parser extends OutputStream {
    private final Sink sink;
    private final byte[] block;
    private final ByteBuffer word = ByteBuffer.allocate(TRAILER);
    private final boolean trailing;
    private State state = State.LENGTH;
    private int length;
    private int filled;
    private Trailer trailer;
    private long blocks;

    private enum State { LENGTH, BLOCK, CRC, TRAILER, DONE }

    private Parser(int maxBlock, Sink sink, boolean trailing) {
      this.sink = sink;
      this.trailing = trailing;
      this.block = new byte[maxBlock];
      word.limit(INT);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
      Objects.checkFromIndexSize(offset, count, bytes.length);
      int end = offset + count;
      while (offset < end) {
        switch (state) {
          case BLOCK -> {
            int n = Math.min(length - filled, end - offset);
            System.arraycopy(bytes, offset, block, filled, n);
            filled += n;
            offset += n;
            if (filled == length) {
              expect(State.CRC, INT);
            }
          }
          case DONE -> throw OstoreException.badRequest("bytes after the "
              + (trailing ? "trailer" : "end") + " of a shard");
          default -> {
            int n = Math.min(word.remaining(), end - offset);
            word.put(bytes, offset, n);
            offset += n;
            if (!word.hasRemaining()) {
              completed();
            }
          }
        }
      }
    }

    /** The trailer, once the whole body was parsed; a body that ended early is BAD_REQUEST. */
    public Trailer trailer() throws OstoreException {
      if (!trailing) {
        throw new IllegalStateException("the body of an append has no trailer");
      }
      checkEnded();
      return trailer;
    }

    /** Checks that the whole body was parsed; one that ended early is a BAD_REQUEST. */
    public void checkEnded() throws OstoreException {
      if (state != State.DONE) {
        throw OstoreException.badRequest("the shard's body ended after " + blocks
            + " blocks, before its " + (trailing ? "trailer" : "end"));
      }
    }

    private void completed() throws IOException {
      word.flip();
      switch (state) {
        case LENGTH -> {
          length = word.getInt();
          if (length == 0 && trailing) {
            expect(State.TRAILER, TRAILER);
          } else if (length == 0) {
            state = State.DONE;
          } else if (length < 0 || length > block.length) {
            throw OstoreException.badRequest("a shard block of " + Integer.toUnsignedString(length)
                + " bytes; at most " + block.length + " are taken");
          } else {
            filled = 0;
            state = State.BLOCK;
          }
        }
        case CRC -> {
          if (word.getInt() != crc(block, 0, length)) {
            throw OstoreException.badRequest("block " + blocks + " of the shard fails its CRC32C");
          }
          sink.block(block, 0, length);
          blocks++;
          expect(State.LENGTH, INT);
        }
        case TRAILER -> {
          byte[] bytes = new byte[TRAILER];
          word.get(bytes);
          if (ByteBuffer.wrap(bytes).getInt(TRAILER - INT) != crc(bytes, 0, TRAILER - INT)) {
            throw OstoreException.badRequest("the shard's trailer fails its CRC32C");
          }
          byte[] hash = new byte[32];
          System.arraycopy(bytes, 0, hash, 0, 32);
          long size = ByteBuffer.wrap(bytes).getLong(32);
          if (size < 0) {
            throw OstoreException.badRequest("the shard's trailer gives a negative size");
          }
          trailer = new Trailer(ContentHash.of(hash), size);
          state = State.DONE;
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }

    private void expect(State next, int bytes) {
      state = next;
      word.clear().limit(bytes);
    }
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
