package dev.ostore.erasure;

import java.io.InputStream;
import java.io.OutputStream;

/** Streams an object through the code stripe by stripe, in memory bounded by a few stripes. */
public final class ErasureStreams {
  private ErasureStreams() {}

  /**
   * An OutputStream taking the object's bytes; each full stripe (and, on close, the last partial
   * one) is encoded and handed to sink with all k+m chunks. close() flushes then closes nothing
   * else; an empty object hands nothing. {@code flush()} hands nothing either, since a stripe is
   * cut only once its length is known. After the sink has failed, writes and close fail too.
   * Holds one stripe and its parity; not thread-safe.
   */
  public static OutputStream encoder(ErasureCode code, Striping striping, StripeSink sink) {
    checkMatch(code, striping);
    return new StripeEncoder(code, striping, sink);
  }

  /**
   * The k+m shards of an object held whole in {@code content}, each byte for byte what {@link
   * #encoder} hands on for it, stripe after stripe: made in place, with no stripe of scratch.
   * For small objects, whose one short stripe would otherwise cost k+m chunks of chunkSize.
   */
  public static byte[][] encodeWhole(ErasureCode code, Striping striping, byte[] content) {
    checkMatch(code, striping);
    int shardLength = Math.toIntExact(striping.shardLength(content.length));
    byte[][] shards = new byte[striping.totalShards()][shardLength];
    for (long stripe = 0; stripe < striping.stripeCount(content.length); stripe++) {
      int start = Math.toIntExact(striping.stripeStart(stripe));
      int length = striping.stripeLength(content.length, stripe);
      int chunk = striping.chunkLength(content.length, stripe);
      int at = Math.toIntExact(stripe * striping.chunkSize());
      for (int i = 0; i < striping.dataShards() && i * chunk < length; i++) {
        // Past the object's end the chunk stays zero, as a short stripe is padded.
        System.arraycopy(content, start + i * chunk, shards[i], at,
            Math.min(chunk, length - i * chunk));
      }
      code.encode(shards, at, chunk);
    }
    return shards;
  }

  /**
   * The object's objectSize bytes, read stripe by stripe from source: missing data chunks are
   * reconstructed from whatever parity the source filled in. A source that fills fewer than k
   * chunks of a stripe makes the read fail with an IOException. Holds one stripe and its parity;
   * close() closes nothing else; not thread-safe.
   */
  public static InputStream decoder(ErasureCode code, Striping striping, long objectSize,
      StripeSource source) {
    return decoder(code, striping, objectSize, source, 0, objectSize);
  }

  /**
   * As {@link #decoder(ErasureCode, Striping, long, StripeSource)}, for the object's bytes
   * {@code [from, to)} only: just the stripes that hold them are read, and of each only the
   * data chunks that hold them unless some are missing (see {@link StripeSource#read(long, int,
   * byte[][], boolean[], boolean[])}).
   */
  public static InputStream decoder(ErasureCode code, Striping striping, long objectSize,
      StripeSource source, long from, long to) {
    checkMatch(code, striping);
    if (objectSize < 0) {
      throw new IllegalArgumentException("negative object size " + objectSize);
    }
    if (from < 0 || from > to || to > objectSize) {
      throw new IllegalArgumentException("bytes [" + from + ", " + to + ") are not within "
          + objectSize);
    }
    return new StripeDecoder(code, striping, objectSize, source, from, to);
  }

  private static void checkMatch(ErasureCode code, Striping striping) {
    if (code.dataShards() != striping.dataShards()
        || code.parityShards() != striping.parityShards()) {
      throw new IllegalArgumentException("code " + code.dataShards() + "+" + code.parityShards()
          + " does not match striping " + striping);
    }
  }
}
