package dev.ostore.dataserver;

import dev.ostore.ServerAddress;
import dev.ostore.storage.ShardStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data servers running in this process, by the address they serve on, so that an api server
 * in the same process stores and reads their shards by calling their {@link ShardStore}s instead
 * of over loopback HTTP (see {@link DataServerClient#preferringInProcess}). A data server adds
 * itself once it serves and removes itself before it stops; one not here is reached over HTTP.
 */
public final class InProcessDataServers {
  private final Map<ServerAddress, ShardStore> stores = new ConcurrentHashMap<>();

  private InProcessDataServers() {}

  /** None yet. */
  public static InProcessDataServers create() {
    return new InProcessDataServers();
  }

  /** {@code shards} is what the data server at {@code server} keeps, from now on. */
  public void add(ServerAddress server, ShardStore shards) {
    stores.put(server, shards);
  }

  /**
   * The data server at {@code server}, which kept {@code shards}, is reached over HTTP again, if
   * at all; a data server started since at the same address stays.
   */
  public void remove(ServerAddress server, ShardStore shards) {
    stores.remove(server, shards);
  }

  Optional<ShardStore> shards(ServerAddress server) {
    return Optional.ofNullable(stores.get(server));
  }
}
