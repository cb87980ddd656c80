package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardPlacement#place}: a shard a server refuses goes to the next one, and only the
 * shards that found none are reported missing (to the log, and to repair).
 */
class ShardPlacementTest {
  private static final List<ServerAddress> SERVERS = List.of(server(1), server(2), server(3),
      server(4));

  private final MessageBus bus = MessageBus.inMemory();
  private final LiveServers live = listen();
  private final ShardFailures failures = new ShardFailures();

  @AfterEach
  void close() {
    live.close();
    bus.close();
  }

  @Test
  void aShardRefusedByOneServerAndTakenByTheNextIsNotMissing() {
    Map<Integer, ShardPlacement.Placed<ServerAddress>> placed = place(Set.of(server(1)), 3);
    assertEquals(List.of(server(2), server(3), server(4)),
        placed.values().stream().map(ShardPlacement.Placed::server).toList());
    assertEquals(Map.of(), failures.reasons());
  }

  @Test
  void aShardLeftWithoutAServerIsMissingAndSaysWhoRefusedLast() {
    Map<Integer, ShardPlacement.Placed<ServerAddress>> placed =
        place(Set.of(server(1), server(2)), 3);
    assertEquals(Set.of(0, 1), placed.keySet());
    assertEquals(Set.of(2), failures.reasons().keySet());
    assertEquals("no data server left to take it (the last to refuse one: 127.0.0.1:9002: "
        + "127.0.0.1:9002 has no room)", failures.reasons().get(2));
  }

  /** Places {@code shards} shards on {@link #SERVERS} in order, {@code full} ones refusing. */
  private Map<Integer, ShardPlacement.Placed<ServerAddress>> place(Set<ServerAddress> full,
      int shards) {
    return ShardPlacement.place(IntStream.range(0, shards).boxed().toList(),
        SERVERS, (server, index) -> {
          if (full.contains(server)) {
            throw new OstoreException(ErrorCode.INSUFFICIENT_STORAGE, server + " has no room");
          }
          return server;
        }, failures, live, "object");
  }

  private LiveServers listen() {
    try {
      return LiveServers.listen(bus, new FakeClock(), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ServerAddress server(int i) {
    return new ServerAddress("127.0.0.1", 9000 + i);
  }
}
