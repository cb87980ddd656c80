package dev.ostore.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LiveServers} as an api server sees it: heartbeats arrive on a real (in-memory) bus and
 * time moves only when the test advances the {@link FakeClock}.
 */
@Timeout(10)
class HeartbeatRegistryTest {
  private static final Duration EXPIRY = Duration.ofSeconds(10);
  private static final ServerAddress A = new ServerAddress("127.0.0.1", 9001);
  private static final ServerAddress B = new ServerAddress("127.0.0.1", 9002);
  private static final ServerAddress C = new ServerAddress("127.0.0.1", 9003);

  private static final ServerId X = ServerId.parse("11111111111111111111111111111111");
  private static final ServerId Y = ServerId.parse("22222222222222222222222222222222");

  private final FakeClock clock = new FakeClock();
  private MessageBus bus;
  private LiveServers live;

  @BeforeEach
  void listen() throws Exception {
    bus = MessageBus.inMemory();
    live = LiveServers.listen(bus, clock, EXPIRY);
  }

  @AfterEach
  void close() {
    live.close();
    bus.close();
  }

  @Test
  void serverHeardIsLive() throws Exception {
    assertEquals(Set.of(), live.live());
    beat(A);
    awaitLive(A);
    assertEquals(Set.of(A), live.live());
  }

  @Test
  void serverNotHeardForTheExpiryIsDroppedAndLiveAgainWhenHeardAgain() throws Exception {
    beat(A);
    awaitLive(A);
    clock.advance(EXPIRY);
    assertEquals(Set.of(), live.live());

    beat(A);
    awaitLive(A);
    assertEquals(Set.of(A), live.live());
  }

  @Test
  void serverIsLiveOneMillisecondBeforeTheExpiryAndGoneExactlyAtIt() throws Exception {
    beat(A);
    awaitLive(A);
    clock.advance(EXPIRY.minusMillis(1));
    assertEquals(Set.of(A), live.live());
    clock.advance(Duration.ofMillis(1));
    assertEquals(Set.of(), live.live());
  }

  @Test
  void eachHeartbeatRestartsTheExpiryOfItsServerOnly() throws Exception {
    beat(A);
    beat(B);
    awaitLive(B);
    clock.advance(Duration.ofSeconds(6));
    beat(B);
    // One subscription handles its messages in order: once C is live, B's second beat is in.
    beat(C);
    awaitLive(C);
    clock.advance(Duration.ofSeconds(6));
    assertEquals(Set.of(B, C), live.live(), "A was heard 12 s ago, B and C 6 s ago");
  }

  @Test
  void malformedHeartbeatsAreIgnoredAndDoNotDisturbOthers() throws Exception {
    beat(A);
    awaitLive(A);
    clock.advance(Duration.ofSeconds(5));
    for (String malformed : new String[] {"not json", "\"no-port\"", "\"127.0.0.1:99999\"",
        "\"\"", "42", "{\"Addr\":\"127.0.0.1:9001\"}",
        "{\"Addr\":\"127.0.0.1:9001\",\"Id\":\"x\"}", "\"127.0.0.1:9001\" trailing", "",
        "\"0.0.0.0:9001\""}) {
      bus.publish(MessageBus.API_SERVERS, malformed);
    }
    // One subscription handles its messages in order: once B is live, the rest was handled.
    beat(B);
    awaitLive(B);
    assertEquals(Set.of(A, B), live.live());

    // Nothing malformed, not even one naming A, counted as hearing from A.
    clock.advance(Duration.ofSeconds(5));
    assertEquals(Set.of(B), live.live());
  }

  @Test
  void aDroppedServerIsGoneUntilItsNextHeartbeat() throws Exception {
    beat(A);
    beat(B);
    awaitLive(A);
    awaitLive(B);
    live.dropUntilHeard(A);
    assertEquals(Set.of(B), live.live());
    beat(A);
    awaitLive(A);
    assertEquals(Set.of(A, B), live.live());
  }

  @Test
  void anOstoreHeartbeatNamesTheServerAndAReferenceOneDoesNot() throws Exception {
    beat(new Heartbeat(A, X));
    beat(B);
    awaitLive(A);
    awaitLive(B);
    assertEquals(Optional.of(X), live.idOf(A));
    assertEquals(Optional.empty(), live.idOf(B), "a reference server has no id");
    assertEquals(Optional.of(A), live.addressOf(X));
    assertEquals(Optional.empty(), live.addressOf(Y));
    clock.advance(EXPIRY);
    assertEquals(Optional.empty(), live.idOf(A), "an expired server is not known by its id");
    assertEquals(Optional.empty(), live.addressOf(X));
  }

  @Test
  void aServerHeardAtANewAddressHasLeftItsOldOne() throws Exception {
    beat(new Heartbeat(A, X));
    beat(new Heartbeat(C, Y));
    awaitLive(A);
    beat(new Heartbeat(B, X));
    awaitLive(B);
    assertEquals(Set.of(B, C), live.live(), "X moved from A to B; nothing answers at A now");
    assertEquals(Optional.of(B), live.addressOf(X));
  }

  @Test
  void aNewIdAtAnOldAddressIsAnotherServer() throws Exception {
    beat(new Heartbeat(A, X));
    awaitLive(A);
    beat(new Heartbeat(A, Y));
    beat(B); // delivered in order: once B is live, A's new id is in
    awaitLive(B);
    assertEquals(Optional.of(Y), live.idOf(A));
    assertEquals(Optional.empty(), live.addressOf(X), "the server X had is gone with its disk");
  }

  @Test
  void anAnswerOnTheBusWithoutAnIdKeepsTheIdHeard() throws Exception {
    beat(new Heartbeat(A, X));
    awaitLive(A);
    clock.advance(EXPIRY.minusSeconds(1));
    live.heard(A);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Optional.of(X), live.idOf(A));
  }

  @Test
  void aServerThatSaysItIsFullIsLiveButTakesNoNewShardsUntilItHasRoomAgain() throws Exception {
    beat(new Heartbeat(A, X, 0));
    beat(new Heartbeat(B, Y, 1 << 20));
    beat(C); // a reference server says nothing of its room
    awaitLive(C);
    assertEquals(Set.of(A, B, C), live.live());
    assertEquals(Set.of(B, C), live.withRoom());
    assertEquals(OptionalLong.of(0), live.freeOf(A));
    assertEquals(OptionalLong.empty(), live.freeOf(C));

    live.heard(A); // answering a locate request says nothing of its room either
    live.heard(new Heartbeat(A, X)); // nor does answering the roll call
    assertEquals(Set.of(B, C), live.withRoom());
    beat(new Heartbeat(B, Y, 0));
    beat(new Heartbeat(A, X, 4096)); // delivered in order: once A has room, B is full
    awaitRoom(A);
    assertEquals(Set.of(A, C), live.withRoom());
    live.heard(new Heartbeat(B, ServerId.parse("33333333333333333333333333333333")));
    assertEquals(Set.of(A, B, C), live.withRoom(), "a new id is a new disk: its room unknown");
    clock.advance(EXPIRY);
    assertEquals(Set.of(), live.withRoom());
    assertEquals(OptionalLong.empty(), live.freeOf(A), "an expired server's room is unknown");
  }

  @Test
  void closedRegistryNoLongerListens() throws Exception {
    BlockingQueue<Message> seen = new LinkedBlockingQueue<>();
    try (Subscription other = bus.subscribe(MessageBus.API_SERVERS, seen::add)) {
      live.close();
      live.close();
      beat(A);
      assertNotNull(seen.poll(5, TimeUnit.SECONDS), "the heartbeat went out on the bus");
      assertEquals(Set.of(), live.live());
    }
  }

  /** A reference server's heartbeat: the JSON string of its address. */
  private void beat(ServerAddress server) throws Exception {
    bus.publish(MessageBus.API_SERVERS, Json.quote(server.toString()));
  }

  private void beat(Heartbeat heartbeat) throws Exception {
    bus.publish(MessageBus.API_SERVERS, heartbeat.toJson());
  }

  /** Delivery is asynchronous: polls, within a bound, until {@code server} is live. */
  private void awaitLive(ServerAddress server) throws InterruptedException {
    await(server, live::live, "live");
  }

  private void awaitRoom(ServerAddress server) throws InterruptedException {
    await(server, live::withRoom, "with room");
  }

  private static void await(ServerAddress server, Supplier<Set<ServerAddress>> set, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!set.get().contains(server)) {
      assertTrue(System.nanoTime() < deadline, server + " not " + what + " within 5 s");
      Thread.sleep(5);
    }
  }
}
