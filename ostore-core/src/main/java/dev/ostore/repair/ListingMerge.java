package dev.ostore.repair;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each content's shards are, from the data servers' own listings instead of a locate per
 * content: every server lists its shards in hash order, a page at a time, and contents are asked
 * for in the same order, so each listing is read once per pass, as a merge. Shards of contents
 * never asked for (not in the table of contents) are passed over. Not thread-safe.
 */
final class ListingMerge {
  private final List<Cursor> cursors = new ArrayList<>();

  ListingMerge(DataServerClient client, Collection<ServerAddress> servers, int pageSize) {
    servers.forEach(server -> cursors.add(new Cursor(client, server, pageSize)));
  }

  /**
   * The live servers holding each shard of {@code hash}; hashes must come in ascending order. A
   * listing that cannot be read fails: its shards would otherwise look lost.
   */
  Locations locate(ContentHash hash) throws IOException {
    Map<Integer, List<ServerAddress>> shards = new HashMap<>();
    for (Cursor cursor : cursors) {
      for (int index : cursor.indexesOf(hash)) {
        shards.computeIfAbsent(index, i -> new ArrayList<>()).add(cursor.server);
      }
    }
    return new Locations(shards);
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

    /** The indexes this server lists for {@code hash}, skipping what comes before it. */
    List<Integer> indexesOf(ContentHash hash) throws IOException {
      List<Integer> indexes = new ArrayList<>();
      String hex = hash.hex();
      while (peek().isPresent()) {
        ShardId next = peek().get().id();
        int order = next.hash().hex().compareTo(hex);
        if (order > 0) {
          break;
        }
        if (order == 0) {
          indexes.add(next.index());
        }
        page.poll();
      }
      return indexes;
    }

    private Optional<ListedShard> peek() throws IOException {
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
