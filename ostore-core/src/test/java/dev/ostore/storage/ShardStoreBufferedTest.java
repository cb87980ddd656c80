package dev.ostore.storage;

import java.io.IOException;
import java.time.InstantSource;

/** The {@link ShardStore} contract, on disk with every shard through the page cache. */
class ShardStoreBufferedTest extends ShardStoreTest {
  @Override
  ShardStore openStore() throws IOException {
    return ShardStore.onDisk(root, MAX_UPLOADS, InstantSource.system(),
        ShardStore.DEFAULT_HOLD_FOR, false);
  }

  @Override
  boolean readsPastThePageCache() {
    return false;
  }
}
