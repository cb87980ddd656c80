package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;

import dev.ostore.OstoreException;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Re-declares the object size of a resumable upload as an append starts, when the append names
 * the upload's striping with another size. Its writer, compressing the object as it arrives,
 * learns the size it stores only at the end: until then it appends full stripes under a
 * provisional size, and names the real one with the short last stripe. Allowed only while every
 * block the upload keeps is a whole chunk of a full stripe under both sizes: those blocks then
 * have the same length and place either way, so nothing written needs rewriting but the header.
 */
final class UploadResize {
  private static final Logger log = System.getLogger(UploadResize.class.getName());

  private UploadResize() {}

  /**
   * Refuses, with a {@code BAD_REQUEST} saying why, to make {@code upload}, keeping its first
   * {@code from} blocks, one of {@code layout}, unless each of them is a whole chunk under its
   * size and {@code layout}'s. Called before anything changes, so a refusal leaves it as it was.
   */
  static void check(DiskResumableShards.Upload upload, ShardLayout layout, long from)
      throws OstoreException {
    ShardLayout old = upload.layout;
    if (from <= old.fullStripes() && from <= layout.fullStripes()) {
      return;
    }
    // When both fail, the old size is named: the block it made short is the writer's mistake.
    boolean oldFails = from > old.fullStripes();
    throw OstoreException.badRequest(upload + " of " + old + " cannot be re-declared as "
        + layout + ": it keeps " + from + " blocks (appending from block " + from
        + "), not all whole chunks of the " + (oldFails ? "old" : "new") + " size (only the first "
        + (oldFails ? old : layout).fullStripes() + " are)");
  }

  /**
   * Makes {@code upload}, already cut to blocks that {@link #check} passed on {@code channel}, one
   * of {@code layout}: durably, before the append takes any block under it.
   */
  static void apply(DiskResumableShards.Upload upload, FileChannel channel, ShardLayout layout)
      throws IOException {
    ShardLayout old = upload.layout;
    // The blocks cut off are gone from the disk before the new size is on it: a restart checks
    // the blocks past the count by the header's size, and must not meet blocks of the old one.
    channel.force(true);
    ByteBuffer fixed = UploadFormat.fixed(layout, upload.expires);
    while (fixed.hasRemaining()) {
      channel.write(fixed, fixed.position());
    }
    // A crash that tears this write (40 bytes at the start of the file, so within one sector)
    // leaves a header failing its checksum: a restart deletes the upload as one whose creation
    // never finished. This append was not answered yet, and its writer's next PATCH finds no
    // upload (404), as when a data server loses one; a size half written is never read.
    channel.force(false);
    upload.layout = layout;
    log.log(INFO, () -> upload + " re-declares its object size from " + old.objectSize()
        + " to " + layout.objectSize() + " bytes (" + layout.layoutText() + "), keeping "
        + upload.blocks + " blocks");
  }
}
