package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ShardId;
import java.util.regex.Pattern;

/**
 * One shard of a resumable upload on a data server, written {@code "<32 hex>.<index>"}: the
 * upload's random id (lowercase hex, 128 bits) and the shard's index, the name of its file and of
 * its URL. Only the canonical text parses, so that one upload shard has exactly one name.
 */
public record UploadShardId(String upload, int index) {
  private static final Pattern UPLOAD = Pattern.compile("[0-9a-f]{32}");

  public UploadShardId {
    requireNonNull(upload, "upload");
    if (!UPLOAD.matcher(upload).matches()) {
      throw new IllegalArgumentException("not an upload id (32 lowercase hex): " + upload);
    }
    if (index < 0 || index >= ShardId.MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shard index " + index + " is outside 0 to " + (ShardId.MAX_SHARDS - 1));
    }
  }

  /** Reads {@code "<32 lowercase hex>.<index>"}; anything else is an IllegalArgumentException. */
  public static UploadShardId parse(String text) {
    requireNonNull(text, "text");
    int dot = text.indexOf('.');
    String index = dot < 0 ? "" : text.substring(dot + 1);
    if (dot != 32 || !index.matches("0|[1-9][0-9]{0,2}")) {
      throw new IllegalArgumentException("not an upload shard (<32 lowercase hex>.<index>): "
          + text);
    }
    return new UploadShardId(text.substring(0, dot), Integer.parseInt(index));
  }

  @Override
  public String toString() {
    return upload + "." + index;
  }
}
