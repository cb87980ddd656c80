package dev.ostore.metadata;

import static dev.ostore.metadata.MetadataStoreContract.HASH;
import static dev.ostore.metadata.PostgresMetadataStoreTest.SERVER;
import static dev.ostore.metadata.PostgresMetadataStoreTest.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.LogCapture;
import dev.ostore.OstoreException;
import dev.ostore.TcpProxy;
import dev.ostore.heartbeat.FakeClock;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A metadata store whose PostgreSQL goes away, or never was set up: what clients are told (that
 * the store is unavailable, and nothing of where it is), what operators read in the log (the
 * outage once when it starts and once when it ends), and how long calls wait meanwhile.
 */
@Timeout(60)
class PostgresOutageTest {
  static final Duration LOGGED = Duration.ofSeconds(10);

  final String schema = "ostore_test_" + UUID.randomUUID().toString().replace("-", "");
  final LogCapture outages = LogCapture.of(Outages.class);
  final FakeClock clock = new FakeClock();

  @BeforeEach
  void createSchema() throws Exception {
    admin("CREATE SCHEMA " + schema);
  }

  @AfterEach
  void dropSchema() throws Exception {
    outages.close();
    admin("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEndsWhileClientsLearnNothingOfTheDatabase()
      throws Exception {
    TcpProxy database = TcpProxy.start(new InetSocketAddress("127.0.0.1", 5432));
    int port = database.port();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&password=secret"
        + "&currentSchema=" + schema;
    try (database; MetadataStore store = SqlMetadataStore.open(url, Optional.empty(), clock)) {
      store.add("a", 1, HASH);
      database.cut();
      for (int call = 0; call < 5; call++) {
        OstoreException e = assertThrows(OstoreException.class, () -> store.latest("a"));
        assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
        assertEquals("metadata store unavailable", e.getMessage());
        assertEquals(null, e.getCause(), "the details are in the log, once");
      }
      List<String> down = outages.linesFrom(Level.ALL);
      assertEquals(1, down.size(), down.toString());
      // The driver's reason: the cut proxy, which keeps its port, accepts and closes at once.
      assertEquals("WARNING metadata store PostgreSQL at jdbc:postgresql://127.0.0.1:" + port
          + "/test?user=postgres&password=****&currentSchema=" + schema + " is unreachable: The"
          + " connection attempt failed.; requests that need it answer 503 until it is back",
          down.get(0));
      assertFalse(down.get(0).contains("secret"), down.get(0));

      clock.advance(Duration.ofSeconds(12));
      database.restore();
      assertEquals(Optional.of(1L), store.latest("a").map(Version::number));
      assertEquals(2, store.add("a", 2, HASH).number());
      assertEquals(List.of("WARNING", "INFO metadata store PostgreSQL at jdbc:postgresql://"
          + "127.0.0.1:" + port + "/test?user=postgres&password=****&currentSchema=" + schema
          + " is reachable again after 12 s"),
          outages.linesFrom(Level.ALL).stream()
              .map(line -> line.startsWith("WARNING") ? "WARNING" : line).toList());
    }
  }

  @Test
  void aCurrentSchemaThatDoesNotExistStopsTheStartSayingAnOperatorMustCreateIt() {
    String missing = schema + "_missing";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetadataStore.open(SERVER + "&currentSchema=" + missing));
    assertEquals("PostgreSQL schema " + missing + " does not exist: an operator must create it,"
        + " or correct currentSchema in the metadata URL", e.getMessage());
  }

  @Test
  void aCurrentSchemaFoundMissingAfterAWaitedStartIsUnavailableUntilItIsCreated()
      throws Exception {
    String missing = schema + "_late";
    try (TcpProxy database = TcpProxy.startCut(new InetSocketAddress("127.0.0.1", 5432));
        MetadataStore store = MetadataStore.open("jdbc:postgresql://127.0.0.1:" + database.port()
            + "/test?user=postgres&currentSchema=" + missing)) {
      database.restore();
      OstoreException e = assertThrows(OstoreException.class, () -> store.latest("a"));
      assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
      assertEquals("PostgreSQL schema " + missing + " does not exist: an operator must create"
          + " it, or correct currentSchema in the metadata URL", e.getMessage());
      admin("CREATE SCHEMA " + missing);
      try {
        assertEquals(1, store.add("a", 1, HASH).number());
      } finally {
        admin("DROP SCHEMA " + missing + " CASCADE");
      }
    }
  }

  /**
   * A database that accepts connections and never answers (a stopped server) makes each attempt
   * last the whole login timeout. Calls that need the schema migrated must not queue behind each
   * other's attempts: they all fail within one attempt, not one attempt each.
   */
  @Test
  void callsWhileTheDatabaseNeverAnswersAllFailWithinOneAttemptNotOneEach() throws Exception {
    int calls = 8;
    try (ServerSocket silent = new ServerSocket(0, 50)) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> acceptAndHold(silent, held), "silent-database");
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
          + "/test?user=postgres&connectTimeout=1&loginTimeout=1&currentSchema=" + schema;
      ExecutorService callers = Executors.newFixedThreadPool(calls);
      try (MetadataStore store = MetadataStore.open(url)) {
        CountDownLatch ready = new CountDownLatch(calls);
        List<Future<Duration>> failures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          failures.add(callers.submit(() -> {
            ready.countDown();
            ready.await();
            long started = System.nanoTime();
            OstoreException e = assertThrows(OstoreException.class, () -> store.latest("a"));
            assertEquals("metadata store unavailable", e.getMessage());
            return Duration.ofNanos(System.nanoTime() - started);
          }));
        }
        for (Future<Duration> failure : failures) {
          Duration took = failure.get();
          // One login timeout is 1 s; one after the other, the last would fail after 8 s.
          assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "a call failed after " + took);
        }
      } finally {
        callers.shutdownNow();
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private static void acceptAndHold(ServerSocket server, List<Socket> held) {
    while (true) {
      try {
        held.add(server.accept());
      } catch (java.io.IOException e) {
        return; // closed
      }
    }
  }
}
