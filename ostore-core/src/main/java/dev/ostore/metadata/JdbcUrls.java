package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.config.Options;
import java.nio.file.Path;
import java.util.Optional;


/** What a metadata store's JDBC URL says: which database, and how to show it without secrets. */
final class JdbcUrls {
  private static final String POSTGRES = "jdbc:postgresql:";
  private static final String SQLITE = "jdbc:sqlite:";

  private JdbcUrls() {}

  /** The dialect of {@code url}; anything but PostgreSQL or an SQLite file is refused. */
  static Dialect dialectOf(String url) {
    requireNonNull(url, "url");
    if (url.startsWith(POSTGRES)) {
      return PostgresDialect.INSTANCE;
    }
    if (url.startsWith(SQLITE)) {
      String file = sqliteTarget(url);
      // Each connection of the pool would get a database of its own.
      if (file.isEmpty() || file.startsWith("?") || file.contains(":memory:")
          || file.contains("mode=memory")) {
        throw new IllegalArgumentException(
            "the metadata store needs an SQLite file, not an in-memory database: " + url);
      }
      return SqliteDialect.INSTANCE;
    }
    throw new IllegalArgumentException(
        "not a jdbc:postgresql: or jdbc:sqlite: URL: " + Options.redact(url));
  }

  /** The file of an SQLite URL that {@link #dialectOf} accepted; empty for any other URL. */
  static Optional<Path> sqliteFile(String url) {
    if (!url.startsWith(SQLITE)) {
      return Optional.empty();
    }
    String target = sqliteTarget(url);
    int settings = target.indexOf('?');
    return Optional.of(Path.of(settings < 0 ? target : target.substring(0, settings)));
  }

  /** What follows {@code jdbc:sqlite:} and an optional {@code file:}: a file, then settings. */
  private static String sqliteTarget(String url) {
    return url.substring(SQLITE.length()).replaceFirst("^file:", "");
  }

  /** The URL of the SQLite database in {@code file}. */
  static String sqlite(Path file) {
    String path = file.toString();
    // sqlite-jdbc reads what follows a '?' as settings, not as part of the file name.
    if (path.indexOf('?') >= 0) {
      throw new IllegalArgumentException("metadata file name contains '?': " + path);
    }
    return SQLITE + path;
  }

}
