package dev.ostore.pass;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ListedShard;
import dev.ostore.locate.Locations;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each content's shards are, from the data servers' own listings instead of a locate per
 * content: every server lists its shards in hash order, a page at a time, and contents are asked
 * for in the same order, so each listing is read once per pass, as a merge. Shards of contents
 * not asked for are passed over. Not thread-safe.
 */
public final class ListingMerge {
  private final List<Cursor> cursors = new ArrayList<>();

  public ListingMerge(DataServerClient client, Collection<ServerAddress> servers, int pageSize) {
    servers.forEach(server -> cursors.add(new Cursor(client, server, pageSize)));
  }

  /**
   * The live servers holding each shard of {@code hash}; hashes must come in ascending order. A
   * listing that cannot be read fails: its shards would otherwise look lost.
   */
  public Locations locate(ContentHash hash) throws IOException {
    Map<Integer, List<ServerAddress>> shards = new HashMap<>();
    for (Map.Entry<ServerAddress, List<ListedShard>> listed : listed(hash).entrySet()) {
      for (ListedShard shard : listed.getValue()) {
        shards.computeIfAbsent(shard.id().index(), i -> new ArrayList<>()).add(listed.getKey());
      }
    }
    return new Locations(shards);
  }

  /**
   * The listing lines of {@code hash}'s shards, by server (those listing none left out), as
   * {@link #locate} finds them.
   */
  public Map<ServerAddress, List<ListedShard>> listed(ContentHash hash) throws IOException {
    Map<ServerAddress, List<ListedShard>> listed = new LinkedHashMap<>();
    for (Cursor cursor : cursors) {
      List<ListedShard> shards = cursor.shardsOf(hash);
      if (!shards.isEmpty()) {
        listed.put(cursor.server, shards);
      }
    }
    return listed;
  }

  /**
   * The lowest hash that some listing holds and that was not asked for yet; empty when the
   * listings are over. With {@link #listed} in a loop, walks every content the servers hold.
   */
  public Optional<ContentHash> next() throws IOException {
    Optional<ContentHash> lowest = Optional.empty();
    for (Cursor cursor : cursors) {
      Optional<ListedShard> next = cursor.peek();
      if (next.isPresent() && (lowest.isEmpty()
          || next.get().id().hash().hex().compareTo(lowest.get().hex()) < 0)) {
        lowest = Optional.of(next.get().id().hash());
      }
    }
    return lowest;
  }

  /** One server's listing, read ahead a page at a time. */
  private static final class Cursor {
    private final DataServerClient client;
    private final ServerAddress server;
    private final int pageSize;
    private final Deque<ListedShard> page = new ArrayDeque<>();
    private Optional<ShardId> after = Optional.empty();
    private boolean over;

    Cursor(DataServerClient client, ServerAddress server, int pageSize) {
      this.client = client;
      this.server = server;
      this.pageSize = pageSize;
    }

    /** The lines this server lists for {@code hash}, skipping what comes before it. */
    List<ListedShard> shardsOf(ContentHash hash) throws IOException {
      List<ListedShard> shards = new ArrayList<>();
      String hex = hash.hex();
      while (peek().isPresent()) {
        ListedShard next = peek().get();
        int order = next.id().hash().hex().compareTo(hex);
        if (order > 0) {
          break;
        }
        if (order == 0) {
          shards.add(next);
        }
        page.poll();
      }
      return shards;
    }

    Optional<ListedShard> peek() throws IOException {
      if (page.isEmpty() && !over) {
        List<ListedShard> more = client.list(server, after, pageSize);
        page.addAll(more);
        over = more.size() < pageSize;
        if (!more.isEmpty()) {
          after = Optional.of(more.get(more.size() - 1).id());
        }
      }
      return Optional.ofNullable(page.peek());
    }
  }
}
