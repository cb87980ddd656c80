package dev.ostore.metadata;

import dev.ostore.ContentHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of reading a name's latest version from the embedded store, the one metadata call
 * every GET makes, against two baselines in the same run on the same SQLite file: plain JDBC
 * preparing its statement on every call (what the store did before it kept statements per
 * connection), and plain JDBC reusing one statement (the floor). 1,000 names, read in turn. Not
 * a test: surefire never runs it; see {@link dev.ostore.stream.PipeBenchmark} for how to run a
 * benchmark of this module, with {@code 'MetadataBenchmark'} as the pattern.
 */
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class MetadataBenchmark {
  private static final int NAMES = 1000;
  private static final String LATEST = "SELECT name, version, size, hash FROM ostore_versions"
      + " WHERE name = ? ORDER BY version DESC LIMIT 1";

  private Path dir;
  private MetadataStore store;
  private Connection connection;
  private PreparedStatement reused;
  private int next;

  @Setup
  public void fill() throws Exception {
    dir = Files.createTempDirectory("ostore-metadata-bench");
    Path file = dir.resolve("metadata.db");
    store = MetadataStore.embedded(file);
    ContentHash hash = ContentHash.sha256(new byte[] {1});
    for (int i = 0; i < NAMES; i++) {
      store.add(name(i), 4096, hash);
    }
    connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    reused = connection.prepareStatement(LATEST);
  }

  @TearDown
  public void close() throws Exception {
    reused.close();
    connection.close();
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The store's own call: a pooled connection and its kept statement. */
  @Benchmark
  public Optional<Version> store() throws Exception {
    return store.latest(nextName());
  }

  /** Plain JDBC, the statement prepared and closed on every call. */
  @Benchmark
  public byte[] prepareEachTime() throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(LATEST)) {
      return run(query);
    }
  }

  /** Plain JDBC, one statement for every call: no pool, no checks, no objects built. */
  @Benchmark
  public byte[] reuseOneStatement() throws SQLException {
    return run(reused);
  }

  private byte[] run(PreparedStatement query) throws SQLException {
    query.setString(1, nextName());
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getBytes(4) : null;
    }
  }

  private String nextName() {
    next = (next + 1) % NAMES;
    return name(next);
  }

  private static String name(int i) {
    return "name-" + i;
  }
}
