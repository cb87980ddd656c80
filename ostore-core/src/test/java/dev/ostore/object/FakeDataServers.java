package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.Json;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.erasure.Striping;
import dev.ostore.locate.LocateReply;
import dev.ostore.stream.GetStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data servers in memory, as the api server's {@link DataServerClient} sees them, answering
 * locate requests on a bus as real ones do. Tests take servers down, make them fail part way
 * through a shard, or damage what they hold.
 */
final class FakeDataServers implements DataServerClient, AutoCloseable {
  private final Map<ServerAddress, Map<ShardId, byte[]>> held = new ConcurrentHashMap<>();
  private final Set<ServerAddress> down = ConcurrentHashMap.newKeySet();
  /** Servers that fail each shard transfer after this many bytes. */
  private final Map<ServerAddress, Integer> failAfter = new ConcurrentHashMap<>();
  /** Servers that stop sending each shard after this many bytes, until the reader hangs up. */
  private final Map<ServerAddress, Integer> stallAfter = new ConcurrentHashMap<>();
  private final List<Subscription> responders = new ArrayList<>();
  private final List<ServerAddress> servers = new ArrayList<>();

  FakeDataServers(MessageBus bus, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      ServerAddress server = new ServerAddress("127.0.0.1", 9000 + i);
      servers.add(server);
      held.put(server, new ConcurrentHashMap<>());
      responders.add(bus.subscribe(MessageBus.DATA_SERVERS, request -> {
        if (down.contains(server)) {
          return;
        }
        ContentHash hash = ContentHash.parse(Json.parseString(request.body()));
        List<Integer> shards = held.get(server).keySet().stream()
            .filter(id -> id.hash().equals(hash)).map(ShardId::index).sorted().toList();
        try {
          bus.reply(request, new LocateReply(server, !shards.isEmpty(), shards).toJson());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
  }

  List<ServerAddress> servers() {
    return servers;
  }

  void takeDown(ServerAddress server) {
    down.add(server);
  }

  void bringUp(ServerAddress server) {
    down.remove(server);
  }

  void failAfter(ServerAddress server, int bytes) {
    failAfter.put(server, bytes);
  }

  /** Makes {@code server} stop sending, without failing, after {@code bytes} of each shard. */
  void stallAfter(ServerAddress server, int bytes) {
    stallAfter.put(server, bytes);
  }

  /** The shards each server holds, by index, for the content {@code hash}. */
  Map<ServerAddress, List<Integer>> shardsOf(ContentHash hash) {
    Map<ServerAddress, List<Integer>> shards = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    held.forEach((server, ids) -> ids.keySet().stream().filter(id -> id.hash().equals(hash))
        .forEach(id -> shards.computeIfAbsent(server, s -> new ArrayList<>()).add(id.index())));
    return shards;
  }

  /** Flips a byte of shard {@code index} of {@code hash} wherever it is held. */
  void damage(ContentHash hash, int index, int at) {
    held.values().forEach(ids -> {
      byte[] shard = ids.get(new ShardId(hash, index));
      if (shard != null && shard.length > at) {
        shard[at] ^= 1;
      }
    });
  }

  int shardCount() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public ShardWriter upload(ServerAddress server, int index, Striping striping)
      throws IOException {
    checkUp(server);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    return new ShardWriter() {
      private boolean done;

      @Override
      public void writeBlock(byte[] b, int off, int len) throws IOException {
        checkUp(server);
        if (bytes.size() + len > failAfter.getOrDefault(server, Integer.MAX_VALUE)) {
          throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, server + " failed");
        }
        bytes.write(b, off, len);
      }

      @Override
      public ShardId finish(ContentHash hash, long objectSize) throws IOException {
        checkUp(server);
        ShardId id = new ShardId(hash, index);
        held.get(server).putIfAbsent(id, bytes.toByteArray());
        done = true;
        return id;
      }

      @Override
      public void abort() {
        done = true;
      }

      @Override
      public void close() {
        abort();
      }
    };
  }

  @Override
  public InputStream read(ServerAddress server, ShardId id, long fromBlock, long toBlock)
      throws IOException {
    checkUp(server);
    byte[] shard = held.get(server).get(id);
    if (shard == null) {
      throw new NoSuchFileException(id + " on " + server);
    }
    int chunk = Layouts.CHUNK_SIZE;
    int from = (int) Math.min(shard.length, fromBlock * chunk);
    int limit = failAfter.getOrDefault(server, Integer.MAX_VALUE);
    int stall = stallAfter.getOrDefault(server, Integer.MAX_VALUE);
    java.util.concurrent.CountDownLatch hungUp = new java.util.concurrent.CountDownLatch(1);
    return new FilterInputStream(new ByteArrayInputStream(shard, from, shard.length - from)) {
      private int sent;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        checkUp(server);
        if (sent >= limit) {
          throw new IOException("connection to " + server + " reset");
        }
        if (sent >= stall) {
          try {
            hungUp.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new IOException("connection to " + server + " closed while stalled");
        }
        int n = super.read(b, off, Math.min(len, Math.min(limit, stall) - sent));
        sent += Math.max(n, 0);
        return n;
      }

      @Override
      public void close() throws IOException {
        hungUp.countDown();
        super.close();
      }
    };
  }

  @Override
  public boolean delete(ServerAddress server, ShardId id) throws IOException {
    checkUp(server);
    return held.get(server).remove(id) != null;
  }

  /** Fake data servers hold no content whole: everything here was written in shards. */
  @Override
  public GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException {
    throw new OstoreException(ErrorCode.NOT_FOUND, hash + " is not held whole on " + server);
  }

  @Override
  public long wholeSize(ServerAddress server, ContentHash hash) throws IOException {
    throw new OstoreException(ErrorCode.NOT_FOUND, hash + " is not held whole on " + server);
  }

  @Override
  public void close() {
    responders.forEach(Subscription::close);
  }

  private void checkUp(ServerAddress server) throws OstoreException {
    if (down.contains(server)) {
      throw new OstoreException(ErrorCode.DATA_SERVER_UNREACHABLE, server + " refused");
    }
  }
}
