package dev.ostore.compress;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The codecs ostore's gzip codec was measured against, behind the same {@link BlockCodec}
 * interface so that {@link CodecBenchmark} treats all alike. Test scope only: none of them is
 * stored by ostore. Each gives up the way its library allows: lz4-java and zstd-jni stop when the
 * output would pass the limit; aircompressor needs room for its worst case, so it compresses into
 * a scratch buffer and copies what fits.
 */
final class ComparisonCodecs {
  /** Every codec name {@link #byName} knows, in the benchmark's order. */
  static final String[] NAMES = {"gzip-1", "gzip-6", "lz4-java-safe", "lz4-java-jni", "air-lz4",
      "air-snappy", "air-zstd", "zstd-jni-1", "zstd-jni-3"};

  private ComparisonCodecs() {}

  static BlockCodec byName(String name) {
    return switch (name) {
      case "gzip-1" -> BlockCodec.gzip(1);
      case "gzip-6" -> BlockCodec.gzip(6);
      case "lz4-java-safe" -> lz4(name, LZ4Factory.safeInstance());
      case "lz4-java-jni" -> lz4(name, LZ4Factory.nativeInstance());
      case "air-lz4" -> new Air(name, new Lz4Compressor(), new Lz4Decompressor());
      case "air-snappy" -> new Air(name, new SnappyCompressor(), new SnappyDecompressor());
      case "air-zstd" -> new Air(name, new ZstdCompressor(), new ZstdDecompressor());
      case "zstd-jni-1" -> new ZstdJni(name, 1);
      case "zstd-jni-3" -> new ZstdJni(name, 3);
      default -> throw new IllegalArgumentException("no comparison codec " + name);
    };
  }

  private static BlockCodec lz4(String name, LZ4Factory factory) {
    return new Lz4(name, factory.fastCompressor(), factory.safeDecompressor());
  }

  /** What the adapters share: a name, no native memory of their own unless they say so. */
  private abstract static class Adapter implements BlockCodec {
    private final String name;

    Adapter(String name) {
      this.name = name;
    }

    @Override
    public int id() {
      return 100 + java.util.Arrays.asList(NAMES).indexOf(name);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return name;
    }

    /** Decodes with the library; answers the length decoded. Its failures are exceptions. */
    abstract int decode(byte[] src, int srcOff, int len, byte[] dst, int dstOff,
        int originalLength);

    @Override
    public final void decompress(byte[] src, int srcOff, int len, byte[] dst, int dstOff,
        int originalLength) throws CorruptBlockException {
      int got;
      try {
        got = decode(src, srcOff, len, dst, dstOff, originalLength);
      } catch (RuntimeException e) { // each library's own exception, or an index out of bounds
        throw new CorruptBlockException("corrupt " + name + " block", e);
      }
      if (got != originalLength) {
        throw new CorruptBlockException(name + " block decodes to " + got + " bytes, not "
            + originalLength);
      }
    }
  }

  private static final class Lz4 extends Adapter {
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;

    Lz4(String name, LZ4Compressor compressor, LZ4SafeDecompressor decompressor) {
      super(name);
      this.compressor = compressor;
      this.decompressor = decompressor;
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      try {
        return compressor.compress(src, srcOff, len, dst, dstOff, limit);
      } catch (LZ4Exception e) {
        return NOT_SMALLER;
      }
    }

    @Override
    int decode(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int originalLength) {
      return decompressor.decompress(src, srcOff, len, dst, dstOff, originalLength);
    }
  }

  private static final class Air extends Adapter {
    private final Compressor compressor;
    private final Decompressor decompressor;
    private byte[] scratch = new byte[0];

    Air(String name, Compressor compressor, Decompressor decompressor) {
      super(name);
      this.compressor = compressor;
      this.decompressor = decompressor;
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      int max = compressor.maxCompressedLength(len);
      if (scratch.length < max) {
        scratch = new byte[max];
      }
      int n = compressor.compress(src, srcOff, len, scratch, 0, max);
      if (n > limit) {
        return NOT_SMALLER;
      }
      System.arraycopy(scratch, 0, dst, dstOff, n);
      return n;
    }

    @Override
    int decode(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int originalLength) {
      return decompressor.decompress(src, srcOff, len, dst, dstOff, originalLength);
    }
  }

  private static final class ZstdJni extends Adapter {
    private final ZstdCompressCtx compressor = new ZstdCompressCtx();
    private final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();

    ZstdJni(String name, int level) {
      super(name);
      compressor.setLevel(level);
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      try {
        return compressor.compressByteArray(dst, dstOff, limit, src, srcOff, len);
      } catch (ZstdException e) {
        return NOT_SMALLER;
      }
    }

    @Override
    int decode(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int originalLength) {
      return decompressor.decompressByteArray(dst, dstOff, originalLength, src, srcOff, len);
    }

    @Override
    public void close() {
      compressor.close();
      decompressor.close();
    }
  }
}
