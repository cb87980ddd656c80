package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.dataserver.HeldWhole;
import dev.ostore.dataserver.ListedWhole;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Content stored whole on {@link FakeDataServers}, as data servers stored it before erasure
 * coding, with a holding area of its own on each server; each server's map of copies is the
 * lock of both. Listed, held and restored only: no read streams it, nor does a locate find it.
 */
final class FakeWholeCopies {
  private record Copy(byte[] bytes, Instant at) {}

  private final Map<ServerAddress, NavigableMap<ContentHash, Copy>> stored =
      new ConcurrentHashMap<>();
  private final Map<ServerAddress, NavigableMap<ContentHash, Copy>> holding =
      new ConcurrentHashMap<>();
  private final InstantSource clock;

  FakeWholeCopies(InstantSource clock) {
    this.clock = clock;
  }

  private NavigableMap<ContentHash, Copy> stored(ServerAddress server) {
    return stored.computeIfAbsent(server, s -> new ConcurrentSkipListMap<>(FakeWholeCopies::order));
  }

  private NavigableMap<ContentHash, Copy> holding(ServerAddress server) {
    return holding.computeIfAbsent(server,
        s -> new ConcurrentSkipListMap<>(FakeWholeCopies::order));
  }

  private static int order(ContentHash a, ContentHash b) {
    return a.hex().compareTo(b.hex());
  }

  void store(ServerAddress server, byte[] bytes, Instant written) {
    stored(server).put(ContentHash.sha256(bytes), new Copy(bytes.clone(), written));
  }

  boolean has(ServerAddress server, ContentHash hash) {
    return stored(server).containsKey(hash);
  }

  Set<ContentHash> heldAway(ServerAddress server) {
    return Set.copyOf(holding(server).keySet());
  }

  List<ListedWhole> list(ServerAddress server, Optional<ContentHash> after, int limit) {
    NavigableMap<ContentHash, Copy> copies = stored(server);
    return (after.isEmpty() ? copies : copies.tailMap(after.get(), false)).entrySet().stream()
        .limit(limit)
        .map(e -> new ListedWhole(e.getKey(), e.getValue().bytes().length, e.getValue().at()))
        .toList();
  }

  Hold hold(ServerAddress server, ContentHash hash, Instant writtenBefore) {
    NavigableMap<ContentHash, Copy> copies = stored(server);
    synchronized (copies) {
      Copy copy = copies.get(hash);
      if (copy == null) {
        return Hold.ABSENT;
      }
      if (!copy.at().isBefore(writtenBefore)) {
        return Hold.WRITTEN_SINCE;
      }
      copies.remove(hash);
      holding(server).put(hash, new Copy(copy.bytes(), clock.instant()));
      return Hold.HELD;
    }
  }

  List<HeldWhole> listHeld(ServerAddress server, Optional<ContentHash> after, int limit) {
    NavigableMap<ContentHash, Copy> held = holding(server);
    return (after.isEmpty() ? held : held.tailMap(after.get(), false)).entrySet().stream()
        .limit(limit).map(e -> new HeldWhole(e.getKey(), e.getValue().at())).toList();
  }

  boolean restore(ServerAddress server, ContentHash hash) {
    NavigableMap<ContentHash, Copy> copies = stored(server);
    synchronized (copies) {
      Copy copy = holding(server).remove(hash);
      if (copy == null) {
        return false;
      }
      copies.putIfAbsent(hash, new Copy(copy.bytes(), clock.instant()));
      return true;
    }
  }
}
