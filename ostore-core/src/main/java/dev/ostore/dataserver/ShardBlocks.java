package dev.ostore.dataserver;

import dev.ostore.erasure.Striping;
import dev.ostore.stream.BlockFrames;
import java.io.IOException;

/** A shard held whole in memory, handed on as the blocks its striping cuts it into. */
final class ShardBlocks {
  private ShardBlocks() {}

  /** Hands {@code shard}'s blocks to {@code sink} in order: chunks of the striping's size. */
  static void split(byte[] shard, Striping striping, BlockFrames.Sink sink) throws IOException {
    for (int at = 0; at < shard.length; at += striping.chunkSize()) {
      sink.block(shard, at, Math.min(striping.chunkSize(), shard.length - at));
    }
  }
}
