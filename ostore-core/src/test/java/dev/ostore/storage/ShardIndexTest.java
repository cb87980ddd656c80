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

  private String hex(int bytes) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      text.append(String.format("%02x", random.nextInt(256)));
    }
    return text.toString();
  }
}
