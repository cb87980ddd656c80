package dev.ostore.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the metadata API refuses before any database is involved. */
class MetadataArgumentsTest {
  static final Optional<ContentHash> HASH = Optional.of(ContentHash.sha256("x".getBytes(UTF_8)));
  static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void aVersionValidatesItself() {
    assertEquals("version of an empty name", refused(() -> new Version("", 1, 0, HASH, T)));
    assertEquals("version number must be at least 1: 0",
        refused(() -> new Version("a", 0, 0, HASH, T)));
    assertEquals("size must not be negative: -1",
        refused(() -> new Version("a", 1, -1, HASH, T)));
    assertThrows(NullPointerException.class, () -> new Version("a", 1, 1, HASH, null));
    assertEquals("a tombstone has size 0, not 5",
        refused(() -> new Version("a", 1, 5, Optional.empty(), T)));
    assertTrue(new Version("a", 2, 0, Optional.empty(), T).isTombstone());
    assertFalse(new Version("a", 1, Long.MAX_VALUE, HASH, T).isTombstone());
  }

  @Test
  void aPageKeepsItsOwnCopyAndRefusesAnEmptyCursor() {
    List<Version> versions = new ArrayList<>(List.of(new Version("a", 1, 1, HASH, T)));
    Page page = new Page(versions, Optional.empty());
    versions.clear();
    assertEquals(1, page.versions().size());
    assertEquals("cursor is empty", refused(() -> new Page(List.of(), Optional.of(""))));
  }

  @Test
  void urlsOfOtherDatabasesAreRefusedWithThePasswordHidden() {
    assertEquals(
        "not a jdbc:postgresql: or jdbc:sqlite: URL: jdbc:mysql://h/db?user=u&password=****",
        refused(() -> MetadataStore.open("jdbc:mysql://h/db?user=u&password=secret")));
    assertEquals("not a jdbc:postgresql: or jdbc:sqlite: URL: mysql://u:****@h/db",
        refused(() -> MetadataStore.open("mysql://u:secret@h/db")));
  }

  @Test
  void anInMemorySqliteDatabaseIsRefused() {
    for (String url : List.of("jdbc:sqlite::memory:", "jdbc:sqlite:", "jdbc:sqlite:file::memory:",
        "jdbc:sqlite:file:x?mode=memory")) {
      assertTrue(refused(() -> MetadataStore.open(url)).startsWith(
          "the metadata store needs an SQLite file, not an in-memory database"), url);
    }
  }

  interface Call {
    void run() throws Exception;
  }

  static String refused(Call call) {
    return assertThrows(IllegalArgumentException.class, call::run).getMessage();
  }
}
