package dev.ostore.metadata;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;

/** Databases at an older version of the schema, for the tests of the migrations after it. */
final class SchemaAt {
  private SchemaAt() {}

  /** Brings {@code connection}'s schema to {@code version} of {@code dialect}'s, no further. */
  static void migrate(Connection connection, Dialect dialect, int version) throws SQLException {
    Schema.migrate(connection, upTo(dialect, version), InstantSource.system());
  }

  /** {@code dialect} with only its first {@code version} migrations. */
  private static Dialect upTo(Dialect dialect, int version) {
    return (Dialect) Proxy.newProxyInstance(Dialect.class.getClassLoader(),
        new Class<?>[] {Dialect.class}, (proxy, method, args) ->
            method.getName().equals("migrations") ? dialect.migrations().subList(0, version)
                : method.invoke(dialect, args));
  }
}
