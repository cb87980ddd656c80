package dev.ostore.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the metadata API refuses before any database is involved. */
class MetadataArgumentsTest {
  static final Optional<ContentHash> HASH = Optional.of(ContentHash.sha256("x".getBytes(UTF_8)));

  @Test
  void aVersionValidatesItself() {
    assertEquals("version of an empty name", refused(() -> new Version("", 1, 0, HASH)));
    assertEquals("version number must be at least 1: 0",
        refused(() -> new Version("a", 0, 0, HASH)));
    assertEquals("size must not be negative: -1", refused(() -> new Version("a", 1, -1, HASH)));
    assertEquals("a tombstone has size 0, not 5",
        refused(() -> new Version("a", 1, 5, Optional.empty())));
    assertTrue(new Version("a", 2, 0, Optional.empty()).isTombstone());
    assertFalse(new Version("a", 1, Long.MAX_VALUE, HASH).isTombstone());
  }

  @Test
  void aPageKeepsItsOwnCopyAndRefusesAnEmptyCursor() {
    List<Version> versions = new ArrayList<>(List.of(new Version("a", 1, 1, HASH)));
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
