package dev.ostore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ShardIndexTest {
  private final Random random = new Random(7);

  @Test
  void holdsWhatASortedSetHolds_listsInItsOrder_acrossFirstBytes() {
    ShardIndex index = new ShardIndex();
    TreeSet<ShardId> model = new TreeSet<>();
    List<ContentHash> hashes = new ArrayList<>();
    for (String first : List.of("00", "01", "7f", "80", "fe", "ff")) {
      hashes.add(ContentHash.parse(first + hex(31)));
    }
    for (int i = 0; i < 300; i++) {
      hashes.add(ContentHash.parse(hex(32)));
    }
    for (int i = 0; i < 2000; i++) {
      ShardId id = new ShardId(hashes.get(random.nextInt(hashes.size())), random.nextInt(6));
      if (random.nextInt(4) == 0) {
        index.remove(id);
        model.remove(id);
      } else {
        assertEquals(model.add(id), index.add(id), "add " + id);
      }
    }
    assertEquals(model.size(), index.size());
    for (ContentHash hash : hashes) {
      List<Integer> held = new ArrayList<>();
      model.subSet(new ShardId(hash, 0), true, new ShardId(hash, 254), true)
          .forEach(id -> held.add(id.index()));
      assertEquals(held, index.indexesOf(hash), hash.hex());
      assertEquals(model.contains(new ShardId(hash, 3)), index.contains(new ShardId(hash, 3)));
    }
    assertEquals(new ArrayList<>(model), index.list(Optional.empty(), Integer.MAX_VALUE));
  }

  @Test
  void pagesAfterAnId_whetherHeldOrNot_andStopAtTheLimit() {
    ShardIndex index = new ShardIndex();
    TreeSet<ShardId> model = new TreeSet<>();
    for (int i = 0; i < 500; i++) {
      ShardId id = new ShardId(ContentHash.parse(hex(32)), random.nextInt(3));
      index.add(id);
      model.add(id);
    }
    List<ShardId> paged = new ArrayList<>();
    Optional<ShardId> after = Optional.empty();
    for (List<ShardId> page; !(page = index.list(after, 7)).isEmpty(); ) {
      assertTrue(page.size() <= 7);
      paged.addAll(page);
      after = Optional.of(page.get(page.size() - 1));
    }
    assertEquals(new ArrayList<>(model), paged);
    ShardId absent = new ShardId(ContentHash.parse("80" + hex(31)), 9);
    assertFalse(index.contains(absent));
    assertEquals(new ArrayList<>(model.tailSet(absent, false)).subList(0, 5),
        index.list(Optional.of(absent), 5));
    assertEquals(List.of(), index.list(Optional.of(model.last()), 5));
  }

  @Test
  void stopsAtTheLimitWithinOneFirstByte() {
    ShardIndex index = new ShardIndex();
    ContentHash hash = ContentHash.parse(hex(32));
    for (int i = 20; i >= 0; i--) {
      index.add(new ShardId(hash, i));
    }
    assertEquals(List.of(0, 1, 2, 3, 4),
        index.list(Optional.empty(), 5).stream().map(ShardId::index).toList());
    assertEquals(List.of(8, 9),
        index.list(Optional.of(new ShardId(hash, 7)), 2).stream().map(ShardId::index).toList());
  }

  @Test
  void findsTheIndexesOfAHash_upToTheHighestEverAdded() {
    ShardIndex index = new ShardIndex();
    ContentHash hash = ContentHash.parse(hex(32));
    ContentHash other = ContentHash.parse(hex(32));
    assertEquals(List.of(), index.indexesOf(hash));
    index.add(new ShardId(hash, 254));
    index.add(new ShardId(hash, 2));
    index.add(new ShardId(other, 0));
    assertEquals(List.of(2, 254), index.indexesOf(hash));
    assertEquals(List.of(0), index.indexesOf(other));
    index.remove(new ShardId(hash, 254));
    assertEquals(List.of(2), index.indexesOf(hash));
    assertEquals(2, index.size());
  }

  @Test
  void listsInOrderWhereHashesShareTheirFirstBits() {
    ShardIndex index = new ShardIndex();
    TreeSet<ShardId> model = new TreeSet<>();
    // Twelve bits pick a hash's set: these share eight, eleven or all twelve of them.
    for (String start : List.of("ab0", "ab1", "ab7", "ab8", "abf", "ab00", "ab0f")) {
      for (int i = 0; i < 20; i++) {
        String text = start + hex(32).substring(start.length());
        ShardId id = new ShardId(ContentHash.parse(text), random.nextInt(3));
        index.add(id);
        model.add(id);
      }
    }
    assertEquals(new ArrayList<>(model), index.list(Optional.empty(), Integer.MAX_VALUE));
    ShardId middle = new ArrayList<>(model).get(model.size() / 2);
    assertEquals(new ArrayList<>(model.tailSet(middle, false)).subList(0, 30),
        index.list(Optional.of(middle), 30));
  }

  private String hex(int bytes) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      text.append(String.format("%02x", random.nextInt(256)));
    }
    return text.toString();
  }
}
