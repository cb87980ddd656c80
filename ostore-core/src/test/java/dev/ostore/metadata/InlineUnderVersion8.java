package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.ContentHash;
import dev.ostore.Precondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Content kept inline as schema version 8 kept it, keyed by its hash, for the migration that
 * keys it by a number the table of contents holds: a database at version 8 with two contents
 * kept, and what a store opened on it must then read and write.
 */
final class InlineUnderVersion8 {
  static final byte[] FIRST = "first kept under version 8".getBytes(StandardCharsets.UTF_8);
  static final byte[] SECOND = "second kept under version 8".getBytes(StandardCharsets.UTF_8);

  private InlineUnderVersion8() {}

  /** Brings {@code connection}'s schema to version 8 and keeps the two contents there. */
  static void keep(Connection connection, Dialect dialect) throws SQLException {
    SchemaAt.migrate(connection, dialect, 8);
    for (byte[] bytes : List.of(FIRST, SECOND)) {
      byte[] hash = ContentHash.sha256(bytes).bytes();
      try (PreparedStatement content = connection.prepareStatement("INSERT INTO ostore_contents"
              + " (hash, size, layout, created_millis, touched_millis) VALUES (?, ?, ?, 0, 0)");
          PreparedStatement inline = connection.prepareStatement(
              "INSERT INTO ostore_inline (hash, content) VALUES (?, ?)")) {
        content.setBytes(1, hash);
        content.setLong(2, bytes.length);
        content.setString(3, ContentLayout.INLINE);
        content.executeUpdate();
        inline.setBytes(1, hash);
        inline.setBytes(2, bytes);
        inline.executeUpdate();
      }
    }
  }

  /**
   * What a store on the migrated database does: reads both contents, keeps a new one apart from
   * them, and keeps an old one's bytes when a version refers to it again.
   */
  static void check(MetadataStore store) throws IOException {
    assertArrayEquals(FIRST, store.inline(ContentHash.sha256(FIRST)).orElseThrow());
    assertArrayEquals(SECOND, store.inline(ContentHash.sha256(SECOND)).orElseThrow());
    byte[] third = "kept under version 9".getBytes(StandardCharsets.UTF_8);
    add(store, "third", third, third);
    byte[] other = FIRST.clone();
    other[0] ^= 1;
    add(store, "first again", FIRST, other);
    assertArrayEquals(third, store.inline(ContentHash.sha256(third)).orElseThrow());
    assertArrayEquals(FIRST, store.inline(ContentHash.sha256(FIRST)).orElseThrow());
    assertArrayEquals(SECOND, store.inline(ContentHash.sha256(SECOND)).orElseThrow());
    assertEquals(Optional.of(new ContentLayout(FIRST.length, ContentLayout.INLINE)),
        store.layout(ContentHash.sha256(FIRST)));
  }

  /** Adds a version of {@code name} for the content of {@code content}, kept as {@code kept}. */
  private static void add(MetadataStore store, String name, byte[] content, byte[] kept)
      throws IOException {
    store.add(name, ContentHash.sha256(content), new InlineContent(
        ContentLayout.inline(content.length, Optional.empty()), kept), Precondition.NONE);
  }
}
