package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.locate.Locations;
import dev.ostore.locate.Locator;
import dev.ostore.stream.VerifiedCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Reads content laid out in shards: finds them, opens {@code k} of them before anything is
 * answered (so that a content that cannot be read is an error status, not a cut body), then
 * decodes stripe by stripe from blocks each checked against its CRC32C.
 */
final class ContentReader {
  /** The largest content whose SHA-256 a read checks: what may be kept in memory. */
  static final long WHOLE_HASH_CHECKED = SmallContents.LARGEST;

  private final Locator locator;
  private final DataServerClient client;
  private final Codes codes;
  private final Executor executor;
  private final Duration hedgeAfter;
  private final RepairQueue repairs;
  private final TransferLimit transfers;

  /**
   * Reads shards on {@code executor}, a thread each while they are read, and reads one more
   * beside a shard that lags {@code hedgeAfter} behind a stripe; shards found missing or damaged
   * go to {@code repairs}. Each read of more than {@link #WHOLE_HASH_CHECKED} bytes holds a slot
   * of {@code transfers} until closed.
   */
  ContentReader(Locator locator, DataServerClient client, Codes codes, Executor executor,
      Duration hedgeAfter, RepairQueue repairs, TransferLimit transfers) {
    this.locator = locator;
    this.client = client;
    this.codes = codes;
    this.executor = executor;
    this.hedgeAfter = hedgeAfter;
    this.repairs = repairs;
    this.transfers = transfers;
  }

  /**
   * The content, opened: {@code NO_DATA_SERVER} when fewer than {@code k} of its shards are on
   * live servers, {@code DATA_SERVER_FAILED} when they are but cannot be read. Where the shards
   * are may be remembered from before some servers came back or went: if those fail, the data
   * servers are asked afresh, once.
   */
  ObjectStore.Content open(ContentHash hash, long size, Striping striping, Object what,
      ByteRange range) throws IOException {
    return open(hash, size, striping, what, range, size <= WHOLE_HASH_CHECKED);
  }

  /**
   * As {@link #open(ContentHash, long, Striping, Object, ByteRange)}, for a stored stream that is
   * not the content's bytes as they came (compressed): its blocks are checked, but not its
   * SHA-256, which is that of the bytes as they came.
   */
  ObjectStore.Content openStream(ContentHash hash, long size, Striping striping, Object what,
      ByteRange range) throws IOException {
    return open(hash, size, striping, what, range, false);
  }

  private ObjectStore.Content open(ContentHash hash, long size, Striping striping, Object what,
      ByteRange range, boolean hashChecked) throws IOException {
    Locations remembered = locator.locateShardsToRead(hash, striping.dataShards());
    // Content that small is read into little memory: as a PUT of it, it counts for nothing.
    TransferLimit.Slot slot = size <= WHOLE_HASH_CHECKED ? TransferLimit.Slot.NONE
        : transfers.take(what);
    try {
      return openFound(hash, size, striping, what, range, hashChecked, remembered, slot);
    } catch (IOException | RuntimeException e) {
      slot.close();
      throw e;
    }
  }

  /**
   * Opens the content where its shards were found, {@code remembered}; where that fails, asks
   * the data servers afresh and, if they answer otherwise, opens it there.
   */
  private ObjectStore.Content openFound(ContentHash hash, long size, Striping striping,
      Object what, ByteRange range, boolean hashChecked, Locations remembered,
      TransferLimit.Slot slot) throws IOException {
    try {
      return open(hash, size, striping, what, range, hashChecked, remembered, slot);
    } catch (IOException e) {
      locator.forget(hash.hex());
      Locations fresh = locator.locateShards(hash);
      if (fresh.equals(remembered)) {
        throw e;
      }
      return open(hash, size, striping, what, range, hashChecked, fresh, slot);
    }
  }

  /**
   * A range of content not checked whole is read from the stripes that hold it, of each only the
   * data chunks that do while they answer; a range of content checked whole is cut from the
   * whole content, checked.
   */
  private ObjectStore.Content open(ContentHash hash, long size, Striping striping, Object what,
      ByteRange range, boolean hashChecked, Locations locations, TransferLimit.Slot slot)
      throws IOException {
    boolean partial = !range.isAll(size) && !hashChecked;
    ByteRange read = partial ? range : ByteRange.all(size);
    long first = read.length() == 0 ? 0 : striping.stripeOf(read.from());
    long end = read.length() == 0 ? 0 : striping.stripeOf(read.to() - 1) + 1;
    ShardStripes stripes = new ShardStripes(client, hash, striping, size, end, locations, what,
        executor, hedgeAfter);
    try {
      if (partial) {
        stripes.open(first, dataChunksOf(striping, size, read, first, end));
      } else {
        stripes.open();
      }
    } catch (IOException e) {
      stripes.close();
      locator.forget(hash.hex());
      throw e;
    }
    Content content = new Content(hash, size, striping, stripes, what, read, hashChecked, slot);
    return partial ? content : Slice.cut(content, range);
  }

  /** The data shards that hold any of {@code range}, which stripes {@code [first, end)} hold. */
  private static boolean[] dataChunksOf(Striping striping, long size, ByteRange range,
      long first, long end) {
    boolean[] wanted = new boolean[striping.dataShards()];
    if (end - first > 2) {
      Arrays.fill(wanted, true); // the stripes between are wanted whole
    } else {
      striping.markDataChunks(size, first, range.from(), range.to(), wanted);
      striping.markDataChunks(size, end - 1, range.from(), range.to(), wanted);
    }
    return wanted;
  }

  /** Content being read; close it when done. */
  final class Content implements ObjectStore.Content {
    private final ContentHash hash;
    private final long size;
    private final Striping striping;
    private final ShardStripes stripes;
    private final Object what;
    private final ByteRange range;
    private final boolean hashChecked;
    private final TransferLimit.Slot slot;

    private Content(ContentHash hash, long size, Striping striping, ShardStripes stripes,
        Object what, ByteRange range, boolean hashChecked, TransferLimit.Slot slot) {
      this.hash = hash;
      this.size = size;
      this.striping = striping;
      this.stripes = stripes;
      this.what = what;
      this.range = range;
      this.hashChecked = hashChecked;
      this.slot = slot;
    }

    /**
     * Copies the content's bytes of its range to {@code out}. Every block was checked against its
     * CRC32C twice, by the data server reading it from disk and here on arrival, so a damaged one
     * is replaced before its bytes are used. Content small enough to be kept in memory is also
     * checked whole against its SHA-256, holding the last chunk back: bytes that do not match end
     * in {@code DATA_SERVER_FAILED} with the answer short. Larger content is not hashed again here
     * (see docs/decisions.md): the client has its SHA-256 in the answer's headers.
     */
    @Override
    public void copyTo(OutputStream out) throws IOException {
      // The shards' failures arrive as OstoreExceptions (ShardStripes), the client's as they are.
      try (InputStream in = ErasureStreams.decoder(codes.of(striping), striping, size,
          stripes, range.from(), range.to())) {
        if (!hashChecked) {
          in.transferTo(out);
        } else if (!VerifiedCopy.copy(in, out, hash, size)) {
          locator.forget(hash.hex());
          throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "the shards of " + what
              + " decode to bytes that do not match its SHA-256");
        }
      }
    }

    @Override
    public long size() {
      return size;
    }

    /**
     * Lets go of the shards and the transfer's slot; those found missing or damaged are queued
     * for repair.
     */
    @Override
    public void close() {
      stripes.close();
      slot.close();
      Map<Integer, String> damaged = stripes.damaged();
      if (!damaged.isEmpty()) {
        repairs.offer(hash, damaged.keySet(), "read of " + what + ": " + damaged.values());
      }
    }
  }
}
