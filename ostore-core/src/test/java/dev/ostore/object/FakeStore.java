package dev.ostore.object;

import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ClockedMetadata;
import dev.ostore.metadata.MetadataStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What an api server stores objects with, without HTTP or a broker: six data servers in memory,
 * all live (on a clock of their own, so they never expire), found over the in-memory bus, and
 * SQLite metadata under a test's directory. Closing it closes them all.
 */
public final class FakeStore implements AutoCloseable {
  public final MessageBus bus = MessageBus.inMemory();
  public final ExecutorService executor = Executors.newCachedThreadPool();
  public final FakeDataServers servers;
  public final LiveServers live =
      LiveServers.listen(bus, new FakeClock(), Duration.ofSeconds(10));
  public final MetadataStore metadata;

  /** A store whose metadata is {@code root}'s {@code metadata.db}. */
  public FakeStore(Path root) throws IOException {
    servers = new FakeDataServers(bus, 6);
    servers.servers().forEach(live::heard);
    metadata = MetadataStore.embedded(root.resolve("metadata.db"));
  }

  /**
   * As {@link #FakeStore(Path)}, with the metadata store and the data servers dating what they
   * record by {@code clock}: for tests of what happens a while after a write.
   */
  public FakeStore(Path root, InstantSource clock) throws IOException {
    servers = new FakeDataServers(bus, 6, clock);
    servers.servers().forEach(live::heard);
    metadata = ClockedMetadata.sqlite(root.resolve("metadata.db"), clock);
  }

  /** A locator of its own, as each api server has: nothing found by another is remembered. */
  public Locator newLocator() {
    return Locator.overBus(bus, live, Duration.ofSeconds(1));
  }

  /** Objects over this store, as a new api server would store them. */
  public ObjectStore objects(Compression compression) {
    return objects(compression, newLocator());
  }

  /** Objects over this store, in the default layouts, finding content with {@code locator}. */
  public ObjectStore objects(Compression compression, Locator locator) {
    return objects(compression, locator, ObjectStore.defaultSmallContentCache());
  }

  /** The same, keeping {@code smallContentCache} bytes of small content in memory. */
  public ObjectStore objects(Compression compression, Locator locator, long smallContentCache) {
    return objects(Layouts.DEFAULT, compression, locator, smallContentCache);
  }

  /** The same, laying new content out as {@code layouts} say. */
  public ObjectStore objects(Layouts layouts, Compression compression, Locator locator,
      long smallContentCache) {
    return objects(layouts, compression, locator, smallContentCache,
        TransferLimit.sizedToHeap());
  }

  /** The same, streaming content in shards within {@code transfers}. */
  public ObjectStore objects(Layouts layouts, Compression compression, Locator locator,
      long smallContentCache, TransferLimit transfers) {
    return ObjectStore.create(metadata, live, locator, servers, layouts, executor,
        Duration.ofSeconds(1), false, RepairQueue.NONE, compression, smallContentCache,
        transfers);
  }

  @Override
  public void close() {
    metadata.close();
    servers.close();
    live.close();
    bus.close();
    executor.shutdownNow();
  }
}
