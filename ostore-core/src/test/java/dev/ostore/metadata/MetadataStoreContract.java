package dev.ostore.metadata;

import static dev.ostore.Precondition.ifMatch;
import static dev.ostore.Precondition.ifNoneMatch;
import static dev.ostore.Precondition.ifUnmodifiedSince;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.Precondition.Tags;
import dev.ostore.heartbeat.FakeClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link MetadataStore} does; each implementation's test extends this. */
@Timeout(120)
abstract class MetadataStoreContract {
  static final ContentHash HASH = ContentHash.sha256("hello".getBytes(UTF_8));
  static final ContentHash OTHER = ContentHash.sha256("other".getBytes(UTF_8));
  /** Names in the byte order of their UTF-8, which is not Java's UTF-16 order past U+FFFF. */
  static final Comparator<String> UTF8_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));

  MetadataStore store;

  /**
   * A store on this test's database, empty at the first call; a second call in the same test
   * opens another store on the same database, as a restart or a second server would.
   */
  abstract MetadataStore newStore() throws Exception;

  /** As {@link #newStore()}, with a store that reads the time from {@code clock}. */
  abstract MetadataStore newStore(InstantSource clock) throws Exception;

  /** The JDBC URL of another database of this test, empty, with no schema yet. */
  abstract String newDatabase() throws Exception;

  /** What {@link #store} tells the time by. */
  final FakeClock clock = new FakeClock();

  /** Opens a store that tells the time by {@link #clock}, so that versions' times are known. */
  @BeforeEach
  void openStore() throws Exception {
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void versionsAreNumberedFromOneIndependentlyPerName() throws Exception {
    assertEquals(1, store.add("a", 10, HASH).number());
    assertEquals(2, store.add("a", 20, OTHER).number());
    assertEquals(1, store.add("b", 30, HASH).number());
    assertEquals(3, store.add("a", 40, HASH).number());
    assertEquals(recorded("a", 3, 40, Optional.of(HASH)), store.latest("a").orElseThrow());
    assertEquals(recorded("a", 2, 20, Optional.of(OTHER)), store.version("a", 2).orElseThrow());
    assertEquals(recorded("b", 1, 30, Optional.of(HASH)), store.latest("b").orElseThrow());
  }

  /** A store may keep latest versions in memory: never one that another store replaced. */
  @Test
  void theLatestVersionIsWhatAnotherStoreOfTheDatabaseWroteLast() throws Exception {
    assertEquals(Optional.empty(), store.latest("a"));
    try (MetadataStore other = newStore()) {
      Version first = other.add("a", 10, HASH);
      assertEquals(Optional.of(first), store.latest("a"));
      Version second = other.add("a", 20, OTHER);
      assertEquals(Optional.of(second), store.latest("a"));
      Version tombstone = other.delete("a").tombstone().orElseThrow();
      assertEquals(Optional.of(tombstone), store.latest("a"));
      other.deleteVersion("a", tombstone.number());
      assertEquals(Optional.of(second), store.latest("a"));
    }
  }

  /** Each version keeps when it was recorded, to the millisecond, wherever it is read. */
  @Test
  void versionsKeepTheTimeTheyWereRecorded() throws Exception {
    Instant first = clock.instant();
    store.add("t", 1, HASH);
    clock.advance(Duration.ofMinutes(5).plusMillis(123));
    Instant second = clock.instant();
    store.add("t", 2, OTHER);
    clock.advance(Duration.ofHours(1));
    Instant deleted = clock.instant();
    assertEquals(deleted, store.delete("t").tombstone().orElseThrow().created());
    clock.advance(Duration.ofHours(1));
    List<Version> expected = List.of(new Version("t", 1, 1, Optional.of(HASH), first),
        new Version("t", 2, 2, Optional.of(OTHER), second),
        new Version("t", 3, 0, Optional.empty(), deleted));
    assertEquals(expected, store.versions("t", Optional.empty(), 10).versions());
    assertEquals(expected, store.allVersions("", Optional.empty(), 10).versions());
    assertEquals(Deletion.deletedAlready(expected.get(2)), store.delete("t"));
    store.close();
    store = newStore(clock);
    assertEquals(Optional.of(expected.get(1)), store.version("t", 2));
    store.add("t", 2, OTHER);
    assertEquals(clock.instant(), store.latestVersions("", Optional.empty(), 10).versions()
        .get(0).created());
  }

  @Test
  void addReturnsWhatIsRecorded() throws Exception {
    Version added = store.add("report.pdf", 1234, HASH);
    assertEquals(recorded("report.pdf", 1, 1234, Optional.of(HASH)), added);
    assertEquals(Optional.of(added), store.version("report.pdf", 1));
  }

  @Test
  void unknownNameAndUnknownVersionAreEmpty() throws Exception {
    store.add("a", 1, HASH);
    assertEquals(Optional.empty(), store.latest("missing"));
    assertEquals(Optional.empty(), store.version("missing", 1));
    assertEquals(Optional.empty(), store.version("a", 2));
    assertEquals(new Page(List.of(), Optional.empty()),
        store.versions("missing", Optional.empty(), 10));
  }

  @Test
  void deleteOfALiveObjectAddsATombstoneAndKeepsOldVersionsReadable() throws Exception {
    Version first = store.add("a", 5, HASH);
    Version tombstone = store.delete("a").tombstone().orElseThrow();
    assertEquals(recorded("a", 2, 0, Optional.empty()), tombstone);
    assertTrue(tombstone.isTombstone());
    assertEquals(Optional.of(tombstone), store.latest("a"));
    assertEquals(Optional.of(first), store.version("a", 1));
  }

  @Test
  void deleteOfAMissingOrDeletedObjectAddsNothingAndSaysWhy() throws Exception {
    assertEquals(new Deletion(false, Optional.empty()), store.delete("never"));
    assertEquals(Optional.empty(), store.latest("never"));
    store.add("a", 5, HASH);
    assertTrue(store.delete("a").recorded());
    assertEquals(new Deletion(false, Optional.of(recorded("a", 2, 0, Optional.empty()))),
        store.delete("a"));
    assertEquals(2, store.latest("a").orElseThrow().number());
    assertEquals(2, store.versions("a", Optional.empty(), 10).versions().size());
  }

  @Test
  void addAfterDeleteContinuesTheNumbering() throws Exception {
    store.add("a", 5, HASH);
    store.delete("a");
    assertEquals(recorded("a", 3, 6, Optional.of(OTHER)), store.add("a", 6, OTHER));
    assertEquals(4, store.delete("a").tombstone().orElseThrow().number());
  }

  @Test
  void sizesBeyondThirtyTwoBitsRoundTrip() throws Exception {
    long[] sizes = {(1L << 32) + 1, 5L << 40, Long.MAX_VALUE};
    for (long size : sizes) {
      store.add("big", size, HASH);
    }
    List<Long> read = store.versions("big", Optional.empty(), 10).versions().stream()
        .map(Version::size).collect(Collectors.toList());
    assertEquals(List.of(sizes[0], sizes[1], sizes[2]), read);
  }

  @Test
  void concurrentAddsToOneNameGetEveryNumberOnce() throws Exception {
    List<Long> numbers = inParallel(8, worker -> {
      List<Long> mine = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        mine.add(store.add("hot", i, HASH).number());
      }
      return mine;
    });
    assertEquals(LongStream.rangeClosed(1, 800).boxed().collect(Collectors.toList()),
        numbers.stream().sorted().collect(Collectors.toList()));
    assertEquals(800, store.latest("hot").orElseThrow().number());
  }

  /** As several api servers on one database, or two processes on one SQLite file. */
  @Test
  void concurrentAddsFromTwoStoresGetUniqueContiguousNumbers() throws Exception {
    try (MetadataStore other = newStore()) {
      List<Long> numbers = inParallel(8, worker -> {
        MetadataStore mine = worker % 2 == 0 ? store : other;
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          got.add(mine.add("shared", i, HASH).number());
        }
        return got;
      });
      assertEquals(LongStream.rangeClosed(1, 400).boxed().collect(Collectors.toList()),
          numbers.stream().sorted().collect(Collectors.toList()));
    }
  }

  @Test
  void concurrentDeletesAndAddsStayConsistent() throws Exception {
    store.add("flip", 1, HASH);
    List<Version> recorded = inParallel(8, worker -> {
      List<Version> mine = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        if (worker % 2 == 0) {
          mine.add(store.add("flip", 1, HASH));
        } else {
          Deletion deletion = store.delete("flip");
          if (deletion.recorded()) {
            mine.add(deletion.tombstone().orElseThrow());
          } else {
            // What it found was a tombstone then, and stays one.
            Version found = deletion.tombstone().orElseThrow();
            assertEquals(Optional.of(found), store.version("flip", found.number()));
          }
        }
      }
      return mine;
    });
    recorded.add(store.version("flip", 1).orElseThrow());
    recorded.sort(Comparator.comparingLong(Version::number));
    List<Version> listed = store.versions("flip", Optional.empty(), 1000).versions();
    assertEquals(recorded, listed, "what the callers were told is what is recorded, no gap");
    for (int i = 1; i < listed.size(); i++) {
      assertFalse(listed.get(i).isTombstone() && listed.get(i - 1).isTombstone(),
          "a delete succeeded on a deleted object at version " + listed.get(i).number());
    }
  }

  @Test
  void aConditionalAddRecordsOnlyWhenTheCurrentContentIsAsAsked() throws Exception {
    assertRefused(() -> store.add("c", 5, HASH, ifMatch(Tags.ANY)),
        "object c does not exist");
    assertEquals(1, store.add("c", 5, HASH, LAYOUT, ifNoneMatch(Tags.ANY)).number());
    assertRefused(() -> store.add("c", 5, OTHER, ifNoneMatch(Tags.ANY)),
        "is at version 1");
    assertRefused(() -> store.add("c", 5, OTHER, LAYOUT, ifMatch(Tags.of(OTHER))),
        "is at version 1");
    assertEquals(2, store.add("c", 5, OTHER, ifMatch(Tags.of(OTHER, HASH))).number());
    assertRefused(() -> store.add("c", 5, HASH, ifNoneMatch(Tags.of(OTHER))), "is at version 2");
    assertEquals(3, store.add("c", 5, HASH, ifNoneMatch(Tags.of(HASH))).number());
    store.delete("c");
    // A tombstone is no current content: the name may be created again, not matched.
    assertRefused(() -> store.add("c", 5, HASH, ifMatch(Tags.ANY)),
        "does not exist");
    assertEquals(5, store.add("c", 5, OTHER, ifNoneMatch(Tags.ANY)).number());
    assertEquals(5, store.latest("c").orElseThrow().number(), "a refused add records nothing");
    assertEquals(Optional.of(OTHER), store.latest("c").orElseThrow().hash());
  }

  /** What an operator finds in the tables: no row for a name that no write recorded. */
  @Test
  void aWriteThatRecordsNothingLeavesNoNameBehind() throws Exception {
    String url = newDatabase();
    try (MetadataStore fresh = MetadataStore.open(url)) {
      assertRefused(() -> fresh.add("refused", 5, HASH, ifMatch(Tags.ANY)), "does not exist");
      assertRefused(() -> fresh.add("refused", 5, HASH, LAYOUT, ifMatch(Tags.of(HASH))),
          "does not exist");
      fresh.add("kept", 5, HASH, LAYOUT);
      assertThrows(OstoreException.class,
          () -> fresh.add("other-layout", 5, HASH, "1+2/4096", ifNoneMatch(Tags.ANY)));
      fresh.delete("kept");
      assertRefused(() -> fresh.add("kept", 5, HASH, ifMatch(Tags.ANY)), "does not exist");
      assertEquals(3, fresh.add("kept", 5, HASH, ifNoneMatch(Tags.ANY)).number(),
          "a name keeps its numbers through a refused write");
    }
    Dialect dialect = JdbcUrls.dialectOf(url);
    try (Connection c = dialect.connect(url); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT name FROM ostore_names ORDER BY name")) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      assertEquals(List.of("kept"), names);
    }
  }

  @Test
  void aConditionalDeleteDeletesOnlyWhatItNames() throws Exception {
    store.add("d", 5, HASH);
    assertRefused(() -> store.delete("d", ifMatch(Tags.of(OTHER))), "is at version 1");
    assertRefused(() -> store.delete("d", ifNoneMatch(Tags.ANY)), "is at version 1");
    assertFalse(store.latest("d").orElseThrow().isTombstone());
    assertEquals(2, store.delete("d", ifMatch(Tags.of(HASH))).tombstone().orElseThrow().number());
    // Nothing live: as an unconditional delete says, whatever the condition.
    assertEquals(Deletion.deletedAlready(recorded("d", 2, 0, Optional.empty())),
        store.delete("d", ifMatch(Tags.of(HASH))));
    assertEquals(Deletion.neverExisted(), store.delete("never", ifMatch(Tags.ANY)));
  }

  /** If-Unmodified-Since: to the second, about the live version only, and If-Match decides. */
  @Test
  void aWriteUnmodifiedSinceADateRecordsOnlyWhenNothingLaterIsCurrent() throws Exception {
    Instant before = clock.instant();
    clock.advance(Duration.ofMillis(1700));
    Instant firstWritten = clock.instant();
    // No current content: nothing to be later than the date.
    assertEquals(1, store.add("u", 5, HASH, ifUnmodifiedSince(before)).number());
    assertRefused(() -> store.add("u", 5, OTHER, ifUnmodifiedSince(before)),
        "written at " + firstWritten + ", after the If-Unmodified-Since date " + before);
    assertRefused(() -> store.delete("u", ifUnmodifiedSince(before)), "is at version 1");
    // The date's second holds the write: 00:00:01 covers 00:00:01.700.
    assertEquals(2, store.add("u", 5, OTHER, ifUnmodifiedSince(before.plusSeconds(1))).number());
    assertEquals(3, store.add("u", 5, HASH,
        new Precondition(Optional.of(Tags.of(OTHER)), Optional.empty(), Optional.of(before)))
        .number(), "If-Match given, the date is not asked");
    assertEquals(4, store.delete("u", ifUnmodifiedSince(clock.instant())).tombstone()
        .orElseThrow().number());
  }

  /** Two api servers creating one name at once: exactly one of them may. */
  @Test
  void concurrentAddsOfANewNameThatMustNotExistRecordOne() throws Exception {
    try (MetadataStore other = newStore()) {
      for (int round = 0; round < 20; round++) {
        String name = "new-" + round;
        List<Long> numbers = inParallel(8, worker -> {
          try {
            return List.of((worker % 2 == 0 ? store : other).add(name, worker, HASH,
                ifNoneMatch(Tags.ANY)).number());
          } catch (OstoreException e) {
            assertEquals(ErrorCode.PRECONDITION_FAILED, e.code(), e.getMessage());
            return List.<Long>of();
          }
        });
        assertEquals(List.of(1L), numbers, name);
        assertEquals(1, store.versions(name, Optional.empty(), 10).versions().size(), name);
      }
    }
  }

  /** Updates that each name the content they read: none is lost to another. */
  @Test
  void concurrentConditionalAddsNeverOverwriteAnUpdateTheyDidNotSee() throws Exception {
    store.add("counter", 0, ContentHash.sha256(new byte[] {0}));
    List<Long> applied = inParallel(4, worker -> {
      List<Long> mine = new ArrayList<>();
      while (mine.size() < 10) {
        Version seen = store.latest("counter").orElseThrow();
        long next = seen.size() + 1;
        try {
          store.add("counter", next, ContentHash.sha256(Long.toString(next).getBytes(UTF_8)),
              ifMatch(Tags.of(seen.hash().orElseThrow())));
          mine.add(next);
        } catch (OstoreException e) {
          assertEquals(ErrorCode.PRECONDITION_FAILED, e.code(), e.getMessage());
        }
      }
      return mine;
    });
    assertEquals(LongStream.rangeClosed(1, 40).boxed().collect(Collectors.toList()),
        applied.stream().sorted().collect(Collectors.toList()), "each value written once");
    assertEquals(40, store.latest("counter").orElseThrow().size());
  }

  private static void assertRefused(org.junit.jupiter.api.function.Executable write,
      String why) {
    OstoreException e = assertThrows(OstoreException.class, write);
    assertEquals(ErrorCode.PRECONDITION_FAILED, e.code());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void referencesTellsWhetherAnyVersionHasTheHash() throws Exception {
    assertFalse(store.references(HASH));
    store.add("a", 5, HASH);
    assertTrue(store.references(HASH));
    assertFalse(store.references(OTHER));
    store.delete("a");
    assertTrue(store.references(HASH), "version 1 still has it");
  }

  @Test
  void aSecondStoreOnTheSameDatabaseSeesTheDataAndStartsHarmlessly() throws Exception {
    store.add("a", 5, HASH);
    try (MetadataStore second = newStore()) {
      assertEquals(store.latest("a"), second.latest("a"));
      assertEquals(2, second.add("a", 6, OTHER).number());
    }
    assertEquals(2, store.latest("a").orElseThrow().number());
  }

  @Test
  void dataSurvivesClosingAndReopening() throws Exception {
    store.add("a", 5, HASH);
    store.delete("a");
    store.close();
    store = newStore();
    assertEquals(2, store.latest("a").orElseThrow().number());
    assertEquals(Optional.of(recorded("a", 1, 5, Optional.of(HASH))), store.version("a", 1));
    assertEquals(3, store.add("a", 7, HASH).number());
  }

  @Test
  void pagingThroughManyVersionsOfOneNameYieldsEachOnceInOrder() throws Exception {
    for (int i = 0; i < 2500; i++) {
      store.add("many", i, HASH);
    }
    List<Version> listed = listAll((after, limit) -> store.versions("many", after, limit), 100);
    assertEquals(LongStream.rangeClosed(1, 2500).boxed().collect(Collectors.toList()),
        listed.stream().map(Version::number).collect(Collectors.toList()));
    Page last = store.versions("many", Optional.empty(), 2500);
    assertEquals(Optional.empty(), last.next(), "no more after a page that ends the versions");
  }

  @Test
  void allVersionsListsTheNamesWithAPrefixInUtf8ByteOrder() throws Exception {
    List<String> names = List.of("a", "ab", "abc", "a%", "a%b", "a_", "a_b", "a'", "a\"", "a\\",
        "a\u00e9", "a\ud83d\ude00", "a\ue000", "%", "_", "b", "'quoted'", "back\\slash", "100%",
        "\u65e5\u672c\u8a9e", ".hidden", "z\ud7ff", "z\ud7ffx", "z\ue000", "z\udbff\udfff",
        "z\udbff\udfffy", "{");
    for (String name : names) {
      store.add(name, 1, HASH);
      store.add(name, 2, OTHER);
    }
    for (String prefix : List.of("", "a", "ab", "a%", "a_", "a'", "a\\", "%", "_", "a\ud83d\ude00",
        ".", "zzz", "z\ud7ff", "z\udbff\udfff")) {
      List<String> expected = new ArrayList<>();
      names.stream().filter(n -> n.startsWith(prefix)).sorted(UTF8_ORDER)
          .forEach(n -> expected.addAll(List.of(n + "#1", n + "#2")));
      List<Version> listed = listAll((after, limit) -> store.allVersions(prefix, after, limit), 3);
      assertEquals(expected, ids(listed), "prefix " + prefix);
    }
    List<String> order = ids(store.allVersions("a", Optional.empty(), 100).versions());
    assertTrue(order.indexOf("a\ue000#1") < order.indexOf("a\ud83d\ude00#1"),
        "U+E000 sorts before U+1F600 in UTF-8, though not in Java's UTF-16: " + order);
  }

  @Test
  void latestVersionsListsOnlyTheLiveObjects() throws Exception {
    store.add("a", 1, HASH);
    store.add("a", 2, OTHER);
    store.add("b", 1, HASH);
    store.delete("b");
    store.add("b2", 1, HASH);
    store.add("c", 1, HASH);
    store.delete("c");
    store.add("c", 3, OTHER);
    store.add("d", 1, HASH);
    store.add("ab", 1, HASH);
    store.delete("e");
    assertEquals(List.of("a#2", "ab#1", "b2#1", "c#3", "d#1"),
        ids(listAll((after, limit) -> store.latestVersions("", after, limit), 1)));
    assertEquals(List.of("a#2", "ab#1"),
        ids(listAll((after, limit) -> store.latestVersions("a", after, limit), 1)));
    assertEquals(List.of("b2#1"),
        ids(listAll((after, limit) -> store.latestVersions("b", after, limit), 1)));
    assertEquals(recorded("c", 3, 3, Optional.of(OTHER)),
        store.latestVersions("c", Optional.empty(), 10).versions().get(0));
  }

  @Test
  void pagingStaysCompleteWhileVersionsAreAdded() throws Exception {
    List<String> before = new ArrayList<>();
    for (int name = 0; name < 40; name++) {
      for (int version = 1; version <= 5; version++) {
        store.add(String.format("n%02d", name), version, HASH);
        before.add(String.format("n%02d#%d", name, version));
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(20);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<Integer> added = writer.submit(() -> {
      Random random = new Random(42);
      int count = 0;
      for (; !stop.get() && count < 5000; count++) {
        String name = String.format(random.nextBoolean() ? "n%02d" : "n%02dx", random.nextInt(40));
        store.add(name, count, HASH);
        started.countDown();
      }
      return count;
    });
    try {
      started.await();
      List<Version> listed = listAll((after, limit) -> store.allVersions("n", after, limit), 7);
      List<String> ids = ids(listed);
      assertEquals(ids.size(), new HashSet<>(ids).size(), "no version listed twice");
      assertTrue(ids.containsAll(before), "every version there at the start is listed");
      for (int i = 1; i < listed.size(); i++) {
        Version previous = listed.get(i - 1);
        Version current = listed.get(i);
        int byName = UTF8_ORDER.compare(previous.name(), current.name());
        assertTrue(byName < 0 || byName == 0 && previous.number() < current.number(),
            "out of order: " + ids.get(i - 1) + " then " + ids.get(i));
      }
    } finally {
      stop.set(true);
      assertTrue(added.get() >= 20);
      writer.shutdownNow();
    }
  }

  @Test
  void malformedCursorsAreRefused() throws Exception {
    store.add("a", 1, HASH);
    store.add("a", 2, HASH);
    store.add("b", 1, HASH);
    store.add("b", 2, HASH);
    List<String> bad = List.of("!!!", "", base64("no colon"), base64("0:a"), base64("-1:a"),
        base64("x:a"), base64("1:"), base64("01:a"));
    for (String cursor : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.allVersions("", Optional.of(cursor), 10), cursor);
      assertEquals("bad cursor: " + cursor, e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> store.latestVersions("", Optional.of(cursor), 10), cursor);
    }
    String ofA = store.versions("a", Optional.empty(), 1).next().orElseThrow();
    String ofB = store.versions("b", Optional.empty(), 1).next().orElseThrow();
    for (String[] misused : new String[][] {{"a", ofB}, {"b", ofA}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.versions(misused[0], Optional.of(misused[1]), 1));
      assertEquals("bad cursor: " + misused[1] + " is not of " + misused[0], e.getMessage());
    }
  }

  @Test
  void limitsOutsideOneToTenThousandAreRefused() throws Exception {
    for (int limit : new int[] {0, -1, 10_001, Integer.MIN_VALUE}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.versions("a", Optional.empty(), limit));
      assertEquals("limit must be 1 to 10000, not " + limit, e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> store.allVersions("", Optional.empty(), limit));
      assertThrows(IllegalArgumentException.class,
          () -> store.latestVersions("", Optional.empty(), limit));
    }
    store.add("a", 1, HASH);
    assertEquals(1, store.allVersions("", Optional.empty(), 10_000).versions().size());
  }

  @Test
  void theTableOfContentsIsListedInHashOrderAPageAtATime() throws Exception {
    List<ContentHash> hashes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ContentHash hash = ContentHash.sha256(new byte[] {(byte) i});
      hashes.add(hash);
      store.add("n" + i, i, hash, "4+2/65536");
    }
    store.recordLayout(OTHER, 99, "1+2/65536");
    store.recordLayout(OTHER, 5, "1+2/65536"); // recorded already: kept as it was
    hashes.add(OTHER);
    hashes.sort(Comparator.comparing(ContentHash::hex));
    List<ContentEntry> listed = new ArrayList<>();
    Optional<ContentHash> after = Optional.empty();
    List<ContentEntry> page;
    do {
      page = store.contents(after, 3);
      listed.addAll(page);
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == 3);
    assertEquals(hashes, listed.stream().map(ContentEntry::hash).toList());
    assertEquals(new ContentLayout(99, "1+2/65536"), store.layout(OTHER).orElseThrow());
  }

  @Test
  void contentsStoredWholeAreThoseWithoutAnEntry() throws Exception {
    store.add("whole", 5, HASH);
    store.add("again", 5, HASH);
    store.add("sharded", 5, OTHER, "4+2/65536");
    store.delete("sharded");
    assertEquals(List.of(HASH), store.wholeContents(Optional.empty(), 10));
    assertEquals(List.of(), store.wholeContents(Optional.of(HASH), 10));
    store.recordLayout(HASH, 5, "1+2/65536");
    assertEquals(List.of(), store.wholeContents(Optional.empty(), 10));
  }

  @Test
  void aLeaseHasOneHolderUntilItExpiresOrIsReleased() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
    java.time.Duration term = java.time.Duration.ofMinutes(2);
    try (MetadataStore other = newStore()) {
      assertTrue(store.lease("repair", "a", now, term));
      assertFalse(other.lease("repair", "b", now.plusSeconds(60), term));
      assertTrue(store.lease("repair", "a", now.plusSeconds(60), term), "renewed");
      assertFalse(other.lease("repair", "b", now.plusSeconds(179), term));
      assertTrue(other.lease("repair", "b", now.plusSeconds(180), term), "expired");
      assertFalse(store.lease("repair", "a", now.plusSeconds(181), term));
      store.release("repair", "a"); // not its lease: changes nothing
      assertFalse(store.lease("repair", "a", now.plusSeconds(182), term));
      other.release("repair", "b");
      assertTrue(store.lease("repair", "a", now.plusSeconds(183), term));
    }
  }

  static UploadRecord upload(String id, java.time.Instant expires) {
    return new UploadRecord(id, "big.iso", 5_000_000_000L, Optional.of(HASH), "4+2/65536",
        List.of(dev.ostore.ServerAddress.parse("127.0.0.1:9001"),
            dev.ostore.ServerAddress.parse("[::1]:9002"),
            dev.ostore.ServerAddress.parse("10.0.0.3:9003"),
            dev.ostore.ServerAddress.parse("10.0.0.4:9004"),
            dev.ostore.ServerAddress.parse("10.0.0.5:9005"),
            dev.ostore.ServerAddress.parse("10.0.0.6:9006")),
        List.of(Optional.of(dev.ostore.ServerId.random()), Optional.empty(),
            Optional.of(dev.ostore.ServerId.random()), Optional.empty(), Optional.empty(),
            Optional.of(dev.ostore.ServerId.random())),
        expires, 0, new byte[0], Optional.empty(), java.util.Set.of());
  }

  @Test
  void anUploadAdvancesOnlyWhileItsWriterHoldsTheLease() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
    java.time.Duration term = java.time.Duration.ofSeconds(30);
    UploadRecord created = upload("0123456789abcdef0123456789abcdef", now.plusSeconds(86400));
    store.createUpload(created);
    try (MetadataStore other = newStore()) {
      assertEquals(created, other.upload(created.id()).orElseThrow());
      UploadRecord further = created.advanced(3, new byte[] {1, 2, 3}, Optional.empty(),
          java.util.Set.of(1, 4));
      assertFalse(store.advanceUpload(further, "writer", now), "no lease taken");
      assertTrue(store.lease(created.leaseName(), "writer", now, term));
      assertTrue(store.advanceUpload(further, "writer", now.plusSeconds(29)));
      assertEquals(further, other.upload(created.id()).orElseThrow());
      assertFalse(other.advanceUpload(created, "another", now.plusSeconds(29)), "not its lease");
      assertFalse(store.advanceUpload(created, "writer", now.plusSeconds(30)), "lease lapsed");
      assertEquals(further, store.upload(created.id()).orElseThrow());
      assertThrows(dev.ostore.OstoreException.class, () -> other.createUpload(created));
    }
  }

  @Test
  void aCompressedUploadKeepsWhereItsCompressorStood() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
    UploadRecord plain = upload("0123456789abcdef0123456789abcde0", now.plusSeconds(86400));
    UploadRecord created = plain.advanced(0, new byte[0], Optional.of(
        dev.ostore.compress.CompressorState.start(dev.ostore.compress.Compression.DEFAULT)),
        java.util.Set.of());
    store.createUpload(created);
    assertEquals(created, store.upload(created.id()).orElseThrow());
    java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
    dev.ostore.compress.CompressorState state;
    try (dev.ostore.compress.CompressingStream in = dev.ostore.compress.CompressingStream.resume(
        stored, created.compressor().orElseThrow(), java.util.OptionalLong.of(created.size()))) {
      in.write(dev.ostore.TestData.jsonLines(700_000, 1));
      state = in.state();
    }
    UploadRecord further = created.advanced(0, stored.toByteArray(), Optional.of(state),
        java.util.Set.of(2));
    assertTrue(store.lease(created.leaseName(), "writer", now, java.time.Duration.ofMinutes(1)));
    assertTrue(store.advanceUpload(further, "writer", now));
    try (MetadataStore other = newStore()) {
      UploadRecord read = other.upload(created.id()).orElseThrow();
      assertEquals(further, read);
      assertEquals(700_000, read.compressor().orElseThrow().original());
    }
  }

  @Test
  void deletingAnUploadForgetsItAndFreesItsLease() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
    UploadRecord created = upload("00000000000000000000000000000001", now.plusSeconds(60));
    store.createUpload(created);
    assertTrue(store.lease(created.leaseName(), "writer", now, java.time.Duration.ofMinutes(1)));
    assertTrue(store.deleteUpload(created.id()));
    assertFalse(store.deleteUpload(created.id()));
    assertEquals(Optional.empty(), store.upload(created.id()));
    assertTrue(store.lease(created.leaseName(), "another", now, java.time.Duration.ofMinutes(1)));
  }

  @Test
  void expiredUploadsAreListedThoseThatExpiredFirstFirst() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
    store.createUpload(upload("00000000000000000000000000000003", now.plusSeconds(3)));
    store.createUpload(upload("00000000000000000000000000000001", now.plusSeconds(1)));
    store.createUpload(upload("00000000000000000000000000000002", now.plusSeconds(2)));
    assertEquals(List.of(), store.expiredUploads(now, 10));
    assertEquals(List.of("00000000000000000000000000000001",
        "00000000000000000000000000000002"), store.expiredUploads(now.plusSeconds(2), 10)
            .stream().map(UploadRecord::id).toList());
    assertEquals(List.of("00000000000000000000000000000001"),
        store.expiredUploads(now.plusSeconds(9), 1).stream().map(UploadRecord::id).toList());
  }

  @Test
  void aSecretIsTheFirstOneOfferedForEveryServer() throws Exception {
    byte[] first = "first secret".getBytes(UTF_8);
    try (MetadataStore other = newStore()) {
      assertTrue(Arrays.equals(first, store.secret("uploads", first)));
      assertTrue(Arrays.equals(first, other.secret("uploads", "second".getBytes(UTF_8))));
      assertTrue(Arrays.equals("third".getBytes(UTF_8),
          other.secret("another", "third".getBytes(UTF_8))));
    }
  }

  @Test
  void theTableOfContentsKeepsTheLayoutAContentWasFirstStoredWith() throws Exception {
    assertEquals(Optional.empty(), store.layout(HASH));
    Version first = store.add("a", 10, HASH, "4+2/65536");
    assertEquals(recorded("a", 1, 10, Optional.of(HASH)), first);
    assertEquals(Optional.of(new ContentLayout(10, "4+2/65536")), store.layout(HASH));
    store.add("b", 10, HASH, "4+2/65536");
    store.add("c", 10, HASH);
    // Stored again under another code: refused, since both layouts' shards have the same names.
    OstoreException e = assertThrows(OstoreException.class,
        () -> store.add("d", 10, HASH, "6+3/65536"));
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertTrue(e.getMessage().startsWith("content " + HASH.hex() + " is stored as 4+2/65536,"
        + " not as 6+3/65536"), e.getMessage());
    assertEquals(ErrorCode.CONFLICT, assertThrows(OstoreException.class,
        () -> store.recordLayout(HASH, 10, "6+3/65536")).code());
    assertEquals(Optional.of(new ContentLayout(10, "4+2/65536")), store.layout(HASH));
    assertEquals(Optional.empty(), store.latest("d"));
    assertEquals(Optional.empty(), store.layout(OTHER));
    assertEquals(3, store.allVersions("", Optional.empty(), 10).versions().size());
  }

  @Test
  void inlineContentIsKeptWithItsFirstVersionAndOnlyOnce() throws Exception {
    byte[] bytes = "hello".getBytes(UTF_8);
    InlineContent content = new InlineContent(ContentLayout.inline(5, Optional.empty()), bytes);
    assertEquals(Optional.empty(), store.inline(HASH));
    assertEquals(recorded("a", 1, 5, Optional.of(HASH)),
        store.add("a", HASH, content, Precondition.NONE));
    assertEquals(Optional.of(new ContentLayout(5, "inline")), store.layout(HASH));
    assertArrayEquals(bytes, store.inline(HASH).orElseThrow());
    assertFalse(wanted(HASH), "referred to, but it reads no shard: any are left over");
    // Content never changes under its hash: later bytes are not written over the first.
    byte[] other = "HELLO".getBytes(UTF_8);
    store.add("b", HASH, new InlineContent(content.layout(), other), Precondition.NONE);
    assertArrayEquals(bytes, store.inline(HASH).orElseThrow());
    assertEquals(recorded("b", 1, 5, Optional.of(HASH)), store.latest("b").orElseThrow());
    assertEquals(Optional.empty(), store.inline(OTHER));
  }

  @Test
  void inlineContentIsRefusedWhereItsContentIsStoredInShards() throws Exception {
    store.add("a", 5, HASH, LAYOUT);
    InlineContent content = new InlineContent(ContentLayout.inline(5, Optional.empty()),
        "hello".getBytes(UTF_8));
    OstoreException e = assertThrows(OstoreException.class,
        () -> store.add("b", HASH, content, Precondition.NONE));
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertEquals(Optional.empty(), store.latest("b"));
    assertEquals(Optional.empty(), store.inline(HASH), "no bytes kept for shards' content");
    assertEquals(Optional.of(new ContentLayout(5, LAYOUT)), store.layout(HASH));
  }

  @Test
  void inlineContentUnderAConditionIsKeptOnlyWhenTheConditionHolds() throws Exception {
    InlineContent content = new InlineContent(ContentLayout.inline(5, Optional.empty()),
        "hello".getBytes(UTF_8));
    assertRefused(() -> store.add("a", HASH, content, ifMatch(Tags.ANY)), "does not exist");
    assertEquals(Optional.empty(), store.inline(HASH));
    assertEquals(Optional.empty(), store.layout(HASH));
    store.add("a", HASH, content, Precondition.NONE);
    assertTrue(store.inline(HASH).isPresent());
  }

  @Test
  void inlineLayoutsComeWithTheirBytesOrNotAtAll() {
    String inline = ContentLayout.inline(5, Optional.empty()).layout();
    assertThrows(IllegalArgumentException.class, () -> store.add("a", 5, HASH, inline));
    assertThrows(IllegalArgumentException.class, () -> store.recordLayout(HASH, 5, inline));
    assertThrows(IllegalArgumentException.class, () -> new InlineContent(
        ContentLayout.inline(5, Optional.empty()), new byte[4]));
    assertThrows(IllegalArgumentException.class, () -> new InlineContent(
        new ContentLayout(5, LAYOUT), new byte[5]));
  }

  @Test
  void forgettingInlineContentDeletesItsBytes() throws Exception {
    InlineContent content = new InlineContent(ContentLayout.inline(5, Optional.empty()),
        "hello".getBytes(UTF_8));
    store.add("a", HASH, content, Precondition.NONE);
    store.deleteVersion("a", 1);
    clock.advance(Duration.ofHours(2));
    Instant now = clock.instant();
    assertEquals(List.of(new ContentEntry(HASH, content.layout())),
        store.unreferenced(now.minus(Duration.ofHours(1)), Optional.empty(), 10));
    assertTrue(condemn(HASH, content.layout(), now.minus(Duration.ofHours(1)), now));
    assertTrue(forget(HASH, now));
    assertEquals(Optional.empty(), store.inline(HASH));
    assertEquals(Optional.empty(), store.layout(HASH));
    // Stored again afterwards, it is kept again.
    store.add("b", HASH, content, Precondition.NONE);
    assertArrayEquals(content.stored(), store.inline(HASH).orElseThrow());
  }

  @Test
  void closeIsIdempotentAndLaterCallsAreRefused() throws Exception {
    store.add("a", 5, HASH);
    store.latest("a"); // Kept, where a store keeps latest versions: refused all the same.
    store.close();
    store.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.latest("a"));
    assertEquals("closed", e.getMessage());
  }

  @Test
  void invalidArgumentsAreRefusedWithTheReason() {
    assertEquals("object name is empty",
        assertThrows(IllegalArgumentException.class, () -> store.add("", 1, HASH)).getMessage());
    assertEquals("object name contains '/'",
        assertThrows(IllegalArgumentException.class, () -> store.latest("a/b")).getMessage());
    assertEquals("size must not be negative: -1",
        assertThrows(IllegalArgumentException.class, () -> store.add("a", -1, HASH))
            .getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> store.allVersions("a\u0000", Optional.empty(), 10));
  }

  /** A version the store recorded at the start of {@link #clock}, as every test's store does. */
  static Version recorded(String name, long number, long size, Optional<ContentHash> hash) {
    return new Version(name, number, size, hash, FakeClock.START);
  }

  static ContentHash hash(int i) {
    return ContentHash.sha256(new byte[] {(byte) i});
  }

  static final String LAYOUT = "4+2/65536";

  /** Condemns one content, as a page of one; whether it is condemned now. */
  boolean condemn(ContentHash hash, ContentLayout layout, Instant touchedBefore, Instant at)
      throws Exception {
    return store.condemn(List.of(new ContentEntry(hash, layout)), touchedBefore, at)
        .contains(hash);
  }

  /** Whether one content is wanted, asked as a page of one. */
  boolean wanted(ContentHash hash) throws Exception {
    return wanted(store, hash);
  }

  static boolean wanted(MetadataStore store, ContentHash hash) throws Exception {
    return store.wanted(List.of(hash)).contains(hash);
  }

  /** Forgets one content, as a page of one; whether its row was deleted. */
  boolean forget(ContentHash hash, Instant condemnedAt) throws Exception {
    return store.forget(List.of(hash), condemnedAt).contains(hash);
  }

  @Test
  void removingTheNewestVersionLeavesTheOneBeforeItAndItsNumberIsNotReused() throws Exception {
    Version first = store.add("a", 1, HASH);
    Version second = store.add("a", 2, OTHER);
    Version third = store.add("a", 3, HASH);
    store.add("b", 1, HASH);
    assertEquals(Optional.of(third), store.deleteVersion("a", 3));
    assertEquals(Optional.empty(), store.deleteVersion("a", 3), "removed already");
    assertEquals(Optional.empty(), store.version("a", 3));
    assertEquals(Optional.of(second), store.latest("a"));
    assertEquals(List.of(first, second), store.versions("a", Optional.empty(), 10).versions());
    assertEquals(List.of("a#1", "a#2", "b#1"),
        ids(listAll((after, limit) -> store.allVersions("", after, limit), 2)));
    assertEquals(List.of(second, store.latest("b").orElseThrow()),
        store.latestVersions("", Optional.empty(), 10).versions());
    assertEquals(4, store.add("a", 4, OTHER).number());
    assertEquals(5, store.delete("a").tombstone().orElseThrow().number());
    assertEquals(List.of("a#1", "a#2", "a#4", "a#5"),
        ids(listAll((after, limit) -> store.versions("a", after, limit), 1)));
  }

  @Test
  void removingAMiddleVersionOrATombstoneKeepsTheListingsExact() throws Exception {
    Version first = store.add("a", 1, HASH);
    store.add("a", 2, OTHER);
    Version tombstone = store.delete("a").tombstone().orElseThrow();
    assertEquals(Optional.of(recorded("a", 2, 2, Optional.of(OTHER))),
        store.deleteVersion("a", 2));
    assertEquals(Optional.of(tombstone), store.latest("a"));
    assertEquals(List.of(), store.latestVersions("", Optional.empty(), 10).versions());
    assertEquals(List.of(first, tombstone), store.versions("a", Optional.empty(), 10).versions());

    assertEquals(Optional.of(tombstone), store.deleteVersion("a", 3));
    assertEquals(Optional.of(first), store.latest("a"), "live again: its tombstone is gone");
    assertEquals(List.of(first), store.latestVersions("a", Optional.empty(), 10).versions());
    assertEquals(4, store.delete("a").tombstone().orElseThrow().number());
  }

  @Test
  void removingTheNewestVersionCanLeaveATombstoneAsTheLatest() throws Exception {
    store.add("a", 1, HASH);
    Version tombstone = store.delete("a").tombstone().orElseThrow();
    store.add("a", 3, OTHER);
    store.deleteVersion("a", 3);
    assertEquals(Optional.of(tombstone), store.latest("a"));
    assertEquals(List.of(), store.latestVersions("", Optional.empty(), 10).versions());
    assertEquals(Deletion.deletedAlready(tombstone), store.delete("a"));
  }

  @Test
  void aNameWhoseVersionsAreAllRemovedIsGoneButKeepsItsNumbers() throws Exception {
    store.add("a", 1, HASH);
    assertEquals(Optional.empty(), store.deleteVersion("never", 1));
    assertEquals(Optional.empty(), store.deleteVersion("a", 2));
    assertEquals(Optional.empty(), store.deleteVersion("a", 0));
    assertTrue(store.deleteVersion("a", 1).isPresent());
    assertEquals(Optional.empty(), store.latest("a"));
    assertEquals(Optional.empty(), store.version("a", 1));
    assertEquals(List.of(), store.allVersions("", Optional.empty(), 10).versions());
    assertEquals(List.of(), store.latestVersions("", Optional.empty(), 10).versions());
    assertEquals(Deletion.neverExisted(), store.delete("a"));
    assertEquals(2, store.add("a", 2, HASH).number());
  }

  /** Removals lock the name as adds do: numbers stay unique and the latest stays exact. */
  @Test
  void removalsRacingAddsNeverReuseANumberNorLoseTheLatest() throws Exception {
    store.add("hot", 1, HASH);
    List<Long> added = inParallel(6, worker -> {
      List<Long> mine = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        if (worker < 4) {
          mine.add(store.add("hot", i, HASH).number());
        } else if (worker == 4) {
          Optional<Version> latest = store.latest("hot");
          if (latest.isPresent()) {
            store.deleteVersion("hot", latest.get().number());
          }
        } else {
          store.applyRetention(3, Optional.empty(), Optional.empty(), 10);
        }
      }
      return mine;
    });
    assertEquals(added.size(), new HashSet<>(added).size(), "no number given twice");
    List<Version> left = store.versions("hot", Optional.empty(), 1000).versions();
    Optional<Version> newest = left.isEmpty() ? Optional.empty()
        : Optional.of(left.get(left.size() - 1));
    assertEquals(newest, store.latest("hot"));
    assertEquals(newest.stream().toList(),
        store.latestVersions("hot", Optional.empty(), 10).versions());
    assertEquals(162, store.add("hot", 1, HASH).number(), "1 + 160 added, then the next");
  }

  @Test
  void retentionKeepsTheNewestVersionsOfEachName() throws Exception {
    for (int i = 1; i <= 5; i++) {
      store.add("a", i, HASH);
    }
    store.add("b", 1, HASH);
    store.add("b", 2, HASH);
    store.add("c", 1, HASH);
    store.add("c", 2, OTHER);
    store.delete("c");
    // a loses 1-3; c loses 1: its tombstone and its newest live version are kept.
    assertEquals(new Retention(4, Optional.empty()),
        store.applyRetention(2, Optional.empty(), Optional.empty(), 100));
    assertEquals(List.of("a#4", "a#5", "b#1", "b#2", "c#2", "c#3"),
        ids(store.allVersions("", Optional.empty(), 100).versions()));
    assertEquals(new Retention(0, Optional.empty()),
        store.applyRetention(2, Optional.empty(), Optional.empty(), 100));
    assertEquals(new Retention(0, Optional.empty()),
        store.applyRetention(0, Optional.empty(), Optional.empty(), 100), "no rule, no removal");
  }

  @Test
  void retentionNeverRemovesTheNewestLiveVersionNorTheNewestVersion() throws Exception {
    store.add("a", 1, HASH);
    store.add("a", 2, HASH);
    store.delete("a");
    store.add("b", 1, HASH);
    store.add("t", 1, HASH);
    store.delete("t");
    store.deleteVersion("t", 1); // only a tombstone is left
    clock.advance(Duration.ofDays(1));
    assertEquals(1, store.applyRetention(1, Optional.of(clock.instant()), Optional.empty(), 10)
        .removed());
    assertEquals(List.of("a#2", "a#3", "b#1", "t#2"),
        ids(store.allVersions("", Optional.empty(), 100).versions()));
  }

  @Test
  void retentionByAgeRemovesVersionsCreatedBeforeTheCutoff() throws Exception {
    Instant start = clock.instant();
    for (int i = 1; i <= 3; i++) {
      store.add("a", i, HASH);
      clock.advance(Duration.ofHours(1));
    }
    assertEquals(1, store.applyRetention(0, Optional.of(start.plusSeconds(1)), Optional.empty(),
        10).removed());
    assertEquals(List.of("a#2", "a#3"), ids(store.versions("a", Optional.empty(), 10).versions()));
    assertEquals(0, store.applyRetention(5, Optional.of(start.plusSeconds(1)), Optional.empty(),
        10).removed(), "a version must be old to be removed, and there are not 5");
    assertEquals(1, store.applyRetention(0, Optional.of(clock.instant()), Optional.empty(), 10)
        .removed());
    assertEquals(List.of("a#3"), ids(store.versions("a", Optional.empty(), 10).versions()));
  }

  @Test
  void retentionGoesThroughTheNamesAPageAtATime() throws Exception {
    for (int name = 0; name < 7; name++) {
      for (int i = 1; i <= 3; i++) {
        store.add("n" + name, i, HASH);
      }
    }
    assertEquals(new Retention(6, Optional.of("n2")),
        store.applyRetention(1, Optional.empty(), Optional.empty(), 3));
    assertEquals(new Retention(6, Optional.of("n5")),
        store.applyRetention(1, Optional.empty(), Optional.of("n2"), 3));
    assertEquals(new Retention(2, Optional.empty()),
        store.applyRetention(1, Optional.empty(), Optional.of("n5"), 3));
    assertEquals(new Retention(0, Optional.empty()),
        store.applyRetention(1, Optional.empty(), Optional.of("n4"), 3), "names are over");
    assertEquals(7, store.allVersions("", Optional.empty(), 100).versions().size());
  }

  @Test
  void removingAVersionTouchesItsContent() throws Exception {
    store.add("a", 5, HASH, LAYOUT);
    store.add("b", 6, OTHER, LAYOUT);
    store.add("b", 7, hash(3), LAYOUT);
    clock.advance(Duration.ofHours(2));
    Instant removed = clock.instant();
    store.deleteVersion("a", 1);
    store.applyRetention(1, Optional.empty(), Optional.empty(), 10);
    assertEquals(List.of(), store.unreferenced(removed, Optional.empty(), 10));
    List<ContentHash> unreferenced = store.unreferenced(removed.plusMillis(1), Optional.empty(),
        10).stream().map(ContentEntry::hash).toList();
    assertEquals(Set.of(HASH, OTHER), Set.copyOf(unreferenced));
  }

  @Test
  void unreferencedListsTheContentsNoVersionHasTouchedBeforeInHashOrder() throws Exception {
    List<ContentEntry> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      store.recordLayout(hash(i), i, LAYOUT);
      expected.add(new ContentEntry(hash(i), new ContentLayout(i, LAYOUT)));
    }
    expected.sort(Comparator.comparing(entry -> entry.hash().hex()));
    store.add("a", 8, hash(8), LAYOUT);
    store.add("whole", 5, HASH); // no row: content stored whole is not the collector's
    clock.advance(Duration.ofHours(1));
    Instant cutoff = clock.instant();
    store.recordLayout(hash(9), 9, LAYOUT); // too recent
    assertEquals(List.of(), store.unreferenced(cutoff.minusMillis(3_600_000), Optional.empty(),
        10), "touched at the cutoff is not before it");
    assertTrue(condemn(expected.get(2).hash(), expected.get(2).layout(), cutoff, cutoff));
    List<ContentEntry> listed = new ArrayList<>();
    Optional<ContentHash> after = Optional.empty();
    List<ContentEntry> page;
    do {
      page = store.unreferenced(cutoff, after, 3);
      listed.addAll(page);
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == 3);
    assertEquals(expected, listed, "condemned contents included");
  }

  @Test
  void condemnRefusesReferencedOrRecentlyTouchedContent() throws Exception {
    Instant start = clock.instant();
    store.add("a", 5, HASH, LAYOUT);
    store.recordLayout(OTHER, 6, LAYOUT);
    clock.advance(Duration.ofHours(2));
    Instant now = clock.instant();
    Instant graceAgo = now.minus(Duration.ofHours(1));
    ContentLayout layout = new ContentLayout(6, LAYOUT);
    assertFalse(condemn(HASH, layout, graceAgo, now), "a version refers to it");
    assertFalse(condemn(OTHER, layout, start, now), "touched at the cutoff");
    assertTrue(wanted(HASH));
    assertTrue(wanted(OTHER));
    assertTrue(condemn(OTHER, layout, graceAgo, now));
    assertFalse(wanted(OTHER));
    assertTrue(wanted(HASH));
    assertEquals(Optional.of(layout), store.layout(OTHER), "condemned, not gone");
    assertFalse(forget(OTHER, now.minusMillis(1)), "condemned at another time");
    assertTrue(forget(OTHER, now));
    assertEquals(Optional.empty(), store.layout(OTHER));
    assertFalse(wanted(OTHER));
    assertFalse(forget(OTHER, now));
    assertFalse(forget(HASH, now), "never condemned");
  }

  @Test
  void condemningAnUnknownHashRecordsItCondemned() throws Exception {
    Instant now = clock.instant();
    ContentLayout layout = new ContentLayout(10, LAYOUT);
    assertFalse(wanted(hash(9)));
    assertTrue(condemn(hash(9), layout, now.minusSeconds(3600), now));
    assertEquals(Optional.of(layout), store.layout(hash(9)));
    assertFalse(wanted(hash(9)));
    assertEquals(List.of(new ContentEntry(hash(9), layout)),
        store.unreferenced(now.plusMillis(1), Optional.empty(), 10));
    assertTrue(forget(hash(9), now));
    store.add("whole", 5, HASH); // referred to, though it has no row
    assertTrue(wanted(HASH));
    assertFalse(condemn(HASH, layout, now.plusSeconds(1), now));
    assertEquals(Optional.empty(), store.layout(HASH));
  }

  @Test
  void aPageIsCondemnedAndForgottenContentByContent() throws Exception {
    store.add("a", 5, HASH, LAYOUT);
    for (int i = 0; i < 3; i++) {
      store.recordLayout(hash(i), i, LAYOUT);
    }
    clock.advance(Duration.ofHours(2));
    Instant now = clock.instant();
    Instant graceAgo = now.minus(Duration.ofHours(1));
    store.recordLayout(hash(1), 1, LAYOUT); // touched again: refused
    ContentLayout layout = new ContentLayout(3, LAYOUT);
    List<ContentEntry> page = List.of(new ContentEntry(hash(0), layout),
        new ContentEntry(HASH, layout), new ContentEntry(hash(1), layout),
        new ContentEntry(hash(2), layout), new ContentEntry(hash(7), layout));
    assertEquals(Set.of(hash(0), hash(2), hash(7)), store.condemn(page, graceAgo, now),
        "referenced and recently touched contents refused, an unknown one recorded condemned");
    assertEquals(Set.of(), store.condemn(List.of(), graceAgo, now));
    clock.advance(Duration.ofSeconds(1));
    store.add("b", 2, hash(2), LAYOUT); // revived between condemn and forget
    assertEquals(Set.of(hash(0), hash(7)),
        store.forget(List.of(hash(0), HASH, hash(1), hash(2), hash(7)), now));
    assertEquals(Optional.empty(), store.layout(hash(0)));
    assertEquals(Optional.empty(), store.layout(hash(7)));
    assertEquals(Set.of(HASH, hash(1), hash(2)),
        store.wanted(List.of(hash(0), HASH, hash(1), hash(2), hash(7))), "the ones kept");
  }

  @Test
  void addingAVersionRevivesCondemnedContent() throws Exception {
    store.recordLayout(OTHER, 6, LAYOUT);
    store.recordLayout(HASH, 5, LAYOUT);
    clock.advance(Duration.ofHours(2));
    Instant condemned = clock.instant();
    Instant cutoff = condemned.minus(Duration.ofHours(1));
    assertTrue(condemn(OTHER, new ContentLayout(6, LAYOUT), cutoff, condemned));
    assertTrue(condemn(HASH, new ContentLayout(5, LAYOUT), cutoff, condemned));
    clock.advance(Duration.ofSeconds(1));
    store.add("a", 6, OTHER);
    store.add("b", 5, HASH, LAYOUT);
    for (ContentHash revived : List.of(OTHER, HASH)) {
      assertTrue(wanted(revived));
      assertFalse(forget(revived, condemned), "revived");
      assertTrue(store.layout(revived).isPresent());
    }
    assertEquals(Optional.of(new ContentLayout(5, LAYOUT)), store.layout(HASH));
    store.deleteVersion("a", 1);
    assertTrue(wanted(OTHER), "unreferenced, but no longer condemned");
    assertFalse(condemn(OTHER, new ContentLayout(6, LAYOUT), cutoff, clock.instant()),
        "touched by the removal");
  }

  @Test
  void recordingALayoutTouchesTheContent() throws Exception {
    store.recordLayout(OTHER, 6, LAYOUT);
    clock.advance(Duration.ofHours(2));
    Instant now = clock.instant();
    store.recordLayout(OTHER, 6, LAYOUT);
    assertEquals(List.of(), store.unreferenced(now, Optional.empty(), 10));
    assertFalse(condemn(OTHER, new ContentLayout(6, LAYOUT), now, now));
  }

  @Test
  void aVersion5SchemaIsMigratedKeepingNumbersAndTouchingContentsAtTheirCreation()
      throws Exception {
    String url = newDatabase();
    Dialect dialect = JdbcUrls.dialectOf(url);
    try (Connection c = dialect.connect(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ostore_schema (version INTEGER PRIMARY KEY,"
          + " applied_millis BIGINT NOT NULL)");
      for (int version = 1; version <= 5; version++) {
        for (String ddl : dialect.migrations().get(version - 1)) {
          s.execute(ddl);
        }
        s.execute("INSERT INTO ostore_schema VALUES (" + version + ", 0)");
      }
      s.execute("INSERT INTO ostore_names VALUES ('a', 2, TRUE)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO ostore_versions"
          + " (name, version, size, hash, created_millis) VALUES ('a', ?, 5, ?, 1000)")) {
        for (int version = 1; version <= 2; version++) {
          insert.setInt(1, version);
          insert.setBytes(2, HASH.bytes());
          insert.executeUpdate();
        }
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO ostore_contents"
          + " (hash, size, layout, created_millis) VALUES (?, 5, '4+2/65536', 1000)")) {
        for (ContentHash hash : List.of(HASH, OTHER)) {
          insert.setBytes(1, hash.bytes());
          insert.executeUpdate();
        }
      }
    }
    try (MetadataStore migrated = SqlMetadataStore.open(url, Optional.empty(), clock)) {
      assertEquals(List.of(new ContentEntry(OTHER, new ContentLayout(5, LAYOUT))),
          migrated.unreferenced(Instant.ofEpochMilli(1001), Optional.empty(), 10));
      assertEquals(List.of(), migrated.unreferenced(Instant.ofEpochMilli(1000), Optional.empty(),
          10), "touched when it was created");
      assertTrue(wanted(migrated, OTHER), "not condemned");
      assertTrue(migrated.deleteVersion("a", 2).isPresent());
      assertEquals(3, migrated.add("a", 5, HASH).number());
    }
  }

  /** Follows a listing from its start to its end; every page but the last must be full. */
  static List<Version> listAll(Lister lister, int limit) throws Exception {
    List<Version> all = new ArrayList<>();
    Optional<String> after = Optional.empty();
    do {
      Page page = lister.list(after, limit);
      if (page.next().isPresent()) {
        assertEquals(limit, page.versions().size(), "a page with more after it is full");
      }
      all.addAll(page.versions());
      after = page.next();
    } while (after.isPresent());
    return all;
  }

  /** One listing call, from the cursor {@code after}. */
  interface Lister {
    Page list(Optional<String> after, int limit) throws Exception;
  }

  static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(UTF_8));
  }

  static List<String> ids(List<Version> versions) {
    return versions.stream().map(v -> v.name() + "#" + v.number()).collect(Collectors.toList());
  }

  /** Runs {@code task} on {@code threads} threads at once; all the lists they return, joined. */
  static <T> List<T> inParallel(int threads, Worker<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int worker = i;
        futures.add(pool.submit(() -> task.run(worker)));
      }
      List<T> all = new ArrayList<>();
      for (Future<List<T>> future : futures) {
        all.addAll(future.get());
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The work of thread number {@code worker} of {@link #inParallel}. */
  interface Worker<T> {
    List<T> run(int worker) throws Exception;
  }
}
