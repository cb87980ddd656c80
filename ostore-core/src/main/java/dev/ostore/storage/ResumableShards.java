package dev.ostore.storage;

import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * The resumable shard uploads a data server holds, one file each under {@code root/uploads/}
 * (format: {@link UploadFormat}), kept across restarts: a shard whose blocks arrive over several
 * requests, appended to from the last block its writer knows durable, and made a shard of the
 * {@link ShardStore} it belongs to by {@link #commit} once its content is named. An upload names
 * its object's layout and size when created (an append may re-declare the size, see {@link
 * #append}), so every block's length is known as it arrives; and its expiry, past which it is
 * deleted (when the store opens, by {@link #expire}, and when asked for). One request appends to
 * an upload at a time. Thread-safe; the store that owns it closes it.
 *
 * <pre>{@code
 * try (ShardAppend append = uploads.append("<32 hex>.2", layout, expires, held)) {
 *   append.append(block, 0, length); // for each block, from block held on
 *   held = append.finish();          // forced
 * }
 * uploads.commit("<32 hex>.2", new ShardId(hash, 2));
 * }</pre>
 */
public interface ResumableShards {
  /** What an upload holds: its object's layout, when it expires, and its blocks. */
  record Held(ShardLayout layout, Instant expires, long blocks) {}

  /**
   * Starts appending to upload {@code name} (lowercase letters, digits and dots, such as {@code
   * "<upload>.<index>"}) from block {@code from} on: the blocks it held past it are dropped (they
   * were never acknowledged). At block 0 an upload not held is created for an object of {@code
   * layout}, expiring at {@code expires}. A {@code layout} of the upload's striping but another
   * object size re-declares the size, durably before any block is taken, when the {@code from}
   * blocks kept are whole chunks of full stripes under both sizes: a writer that learns the size
   * only at the end appends full stripes first. {@code NOT_FOUND} when {@code from} is past 0
   * and the upload is not held; {@code BAD_REQUEST} when it is of another striping, or of
   * another size that cannot be re-declared; {@code CONFLICT} when it holds fewer than {@code
   * from} blocks, or another request is appending to it; {@code BUSY} while as many appends as
   * the store takes are open.
   */
  ShardAppend append(String name, ShardLayout layout, Instant expires, long from)
      throws IOException;

  /** What upload {@code name} holds; empty when it is not held (or expired). */
  Optional<Held> held(String name);

  /**
   * Copies blocks {@code [from, to)} of upload {@code name} to {@code out}, each checked first;
   * as {@link ShardRecords} (each followed by its checksum) when {@code records}. {@code
   * NOT_FOUND} when it is not held, {@code BAD_REQUEST} when it holds fewer blocks, {@code
   * STORAGE_FAILED} when a block fails its checksum.
   */
  void copy(String name, long from, long to, OutputStream out, boolean records)
      throws IOException;

  /**
   * Makes upload {@code name}, which must hold every block of its layout, shard {@code id} of the
   * store, as durably as a {@link ShardUpload} does, and deletes the upload. Returns whether the
   * shard was stored already (then kept as it was), also when the upload is gone since, as after
   * a commit whose answer was lost. {@code NOT_FOUND} when neither is held; {@code BAD_REQUEST}
   * when blocks are missing or the index is outside the layout; {@code CONFLICT} while a request
   * appends to it.
   */
  boolean commit(String name, ShardId id) throws IOException;

  /** Deletes upload {@code name}; false when it was not held. */
  boolean delete(String name) throws IOException;

  /** Deletes the uploads whose expiry has passed, but those being appended to; returns how many. */
  int expire();
}
