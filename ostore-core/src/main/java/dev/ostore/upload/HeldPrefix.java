package dev.ostore.upload;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.ErasureCode;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.StripeSource;
import dev.ostore.erasure.Striping;
import dev.ostore.metadata.UploadRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bytes an upload holds, read back to hash them when no api server has their digest in
 * memory: its whole stripes from its data shards, a shard that fails replaced by a parity one and
 * decoded, then its tail.
 */
final class HeldPrefix implements StripeSource, AutoCloseable {
  private final DataServerClient client;
  private final UploadRecord upload;
  /** Shards a stripe needs: k. */
  private final int needed;
  private final Set<Integer> unusable;
  private final Map<Integer, InputStream> streams = new HashMap<>();
  /** Why shards could not be read, by index. */
  private final Map<Integer, String> reasons = new TreeMap<>();

  private HeldPrefix(DataServerClient client, UploadRecord upload, int needed) {
    this.client = client;
    this.upload = upload;
    this.needed = needed;
    this.unusable = new HashSet<>(upload.failed());
  }

  /**
   * The SHA-256 state after the bytes {@code upload} holds: of the original bytes, which for
   * an upload stored compressed are decoded from its stored stream and its compressor's.
   */
  static MessageDigest digest(DataServerClient client, UploadRecord upload, Striping striping,
      ErasureCode code, MessageDigest digest) throws IOException {
    long whole = upload.stripes() * striping.stripeSize();
    OutputStream original = new DigestOutputStream(OutputStream.nullOutputStream(), digest);
    // Whole stripes are whole chunks under the object's size, which the shards are told.
    try (HeldPrefix source = new HeldPrefix(client, upload, striping.dataShards());
        InputStream stored = new SequenceInputStream(ErasureStreams.decoder(code, striping,
            upload.size(), source, 0, whole), new ByteArrayInputStream(upload.tail()))) {
      if (upload.compressor().isPresent()) {
        upload.compressor().get().decode(stored, original);
      } else {
        stored.transferTo(original);
      }
    } catch (OstoreException e) {
      throw e;
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "cannot read back the " + whole
          + " bytes upload " + upload.id() + " holds on its data servers: " + e.getMessage(), e);
    }
    return digest;
  }

  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present)
      throws IOException {
    int filled = 0;
    for (int index = 0; index < chunks.length && filled < needed; index++) {
      if (unusable.contains(index)) {
        continue;
      }
      try {
        InputStream in = streams.get(index);
        if (in == null) {
          in = client.readUpload(upload.servers().get(index),
              new UploadShardId(upload.id(), index), stripe, upload.stripes());
          streams.put(index, in);
        }
        if (in.readNBytes(chunks[index], 0, length) != length) {
          throw new IOException("upload shard " + index + " ended early");
        }
        present[index] = true;
        filled++;
      } catch (IOException e) {
        unusable.add(index);
        reasons.put(index, upload.servers().get(index) + ": " + e);
        closeStream(index);
      }
    }
    if (filled < needed) {
      throw new IOException("only " + filled + " of its shards could be read at stripe "
          + stripe + ", " + needed + " needed " + reasons);
    }
  }

  @Override
  public void close() {
    Set.copyOf(streams.keySet()).forEach(this::closeStream);
  }

  private void closeStream(int index) {
    InputStream in = streams.remove(index);
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // Only read from: nothing is lost.
      }
    }
  }
}
