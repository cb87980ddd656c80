package dev.ostore.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.Json;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Locator#overBus} against responders on an in-memory bus: ostore's {@link
 * LocateResponder}s, and raw subscriptions standing in for reference servers and broken ones.
 */
@Timeout(30)
class BusLocatorTest {
  /** Far longer than any answer takes, so that an answer within {@link #FAST} did not wait. */
  private static final Duration LONG = Duration.ofSeconds(10);
  private static final long FAST = 2000;
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final ServerAddress A = new ServerAddress("127.0.0.1", 9001);
  private static final ServerAddress B = new ServerAddress("127.0.0.1", 9002);
  private static final ServerAddress C = new ServerAddress("127.0.0.1", 9003);

  private final MessageBus bus = MessageBus.inMemory();
  private final SettableLiveServers live = new SettableLiveServers();
  private final List<AutoCloseable> responders = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable responder : responders) {
      responder.close();
    }
    bus.close();
  }

  @Test
  void findsTheServerHoldingTheKey() throws Exception {
    live.set(A, B, C);
    respond(A, key -> false);
    respond(B, "report.pdf"::equals);
    respond(C, key -> false);
    assertEquals(Optional.of(B), Locator.overBus(bus, live, LONG).locate("report.pdf"));
  }

  @Test
  void firstHitWinsWithoutWaitingForSlowerHolders() throws Exception {
    live.set(A, B);
    CountDownLatch release = new CountDownLatch(1);
    respond(A, key -> {
      awaitQuietly(release);
      return true;
    });
    respond(B, key -> true);
    long start = System.nanoTime();
    Optional<ServerAddress> found = Locator.overBus(bus, live, LONG).locate("k");
    long elapsedMillis = millisSince(start);
    release.countDown();
    assertEquals(Optional.of(B), found);
    assertTrue(elapsedMillis < FAST, "took " + elapsedMillis + " ms");
  }

  @Test
  void missIsKnownAsSoonAsEveryLiveServerSaidNo() throws Exception {
    live.set(A, B, C);
    respond(A, key -> false);
    respond(B, key -> false);
    respond(C, key -> false);
    Locator locator = Locator.overBus(bus, live, LONG);
    locator.locate("warm-up");
    long start = System.nanoTime();
    Optional<ServerAddress> found = locator.locate("nowhere");
    long elapsedMillis = millisSince(start);
    assertEquals(Optional.empty(), found);
    assertTrue(elapsedMillis < FAST, "a miss took " + elapsedMillis + " ms of a 10 s timeout");
  }

  @Test
  void missWaitsForTheTimeoutWhileALiveServerStaysSilent() throws Exception {
    live.set(A, B);
    respond(A, key -> false);
    referenceServer(B, key -> false);
    long start = System.nanoTime();
    Optional<ServerAddress> found = Locator.overBus(bus, live, SHORT).locate("nowhere");
    long elapsedMillis = millisSince(start);
    assertEquals(Optional.empty(), found);
    assertTrue(elapsedMillis >= SHORT.toMillis(), "gave up after " + elapsedMillis + " ms");
    assertTrue(elapsedMillis < 3000, "gave up only after " + elapsedMillis + " ms");
  }

  @Test
  void noFromAServerThatIsNotLiveDoesNotCompleteAMiss() throws Exception {
    live.set(A, B);
    respond(A, key -> false);
    respond(C, key -> false);
    referenceServer(B, key -> false);
    long start = System.nanoTime();
    assertEquals(Optional.empty(), Locator.overBus(bus, live, SHORT).locate("nowhere"));
    assertTrue(millisSince(start) >= SHORT.toMillis(), "B never answered, so the miss waits");
  }

  @Test
  void understandsAReferenceServerHit() throws Exception {
    live.set(A, B);
    respond(A, key -> false);
    referenceServer(B, "report.pdf"::equals);
    assertEquals(Optional.of(B), Locator.overBus(bus, live, LONG).locate("report.pdf"));
  }

  @Test
  void malformedRepliesAreIgnored() throws Exception {
    live.set(A, B);
    rawServer(A, request -> List.of("nonsense", "\"no-port\"", "{\"Addr\":\"127.0.0.1:9001\"}",
        "{\"Addr\":\"127.0.0.1:9001\",\"Found\":\"no\"}", "{\"Found\":true}", ""));
    respond(B, "k"::equals);
    assertEquals(Optional.of(B), Locator.overBus(bus, live, LONG).locate("k"));
  }

  @Test
  void malformedRepliesDoNotCountAsNo() throws Exception {
    live.set(A, B);
    respond(A, key -> false);
    rawServer(B, request -> List.of("{\"Addr\":\"127.0.0.1:9002\",\"Found\":0}"));
    long start = System.nanoTime();
    assertEquals(Optional.empty(), Locator.overBus(bus, live, SHORT).locate("k"));
    assertTrue(millisSince(start) >= SHORT.toMillis(), "B said nothing understandable");
  }

  @Test
  void rememberedLocationIsAnsweredWithoutAskingUntilForgotten() throws Exception {
    live.set(A, B);
    respond(B, key -> false);
    Locator locator = Locator.overBus(bus, live, SHORT);
    rememberThat(locator, A);
    // A has no responder any more: only memory can say that it holds k.
    assertEquals(Optional.of(A), locator.locate("k"));
    assertEquals(Optional.of(A), locator.locate("k"));

    locator.forget("k");
    assertEquals(Optional.empty(), locator.locate("k"), "asked, and nobody has k");
  }

  @Test
  void locateAfreshAsksWhateverIsRemembered() throws Exception {
    live.set(A, B);
    Locator locator = Locator.overBus(bus, live, LONG);
    rememberThat(locator, A);
    respond(A, key -> false);
    respond(B, "k"::equals);
    assertEquals(Optional.of(A), locator.locate("k"), "from memory, stale");
    assertEquals(Optional.of(B), locator.locateAfresh("k"), "asked: B has it");
    assertEquals(Optional.of(B), locator.locate("k"), "and now remembered");
  }

  @Test
  void hitIsRememberedForTheNextLocate() throws Exception {
    live.set(A, B);
    LocateResponder holder = respond(A, "k"::equals);
    respond(B, key -> false);
    Locator locator = Locator.overBus(bus, live, LONG);
    assertEquals(Optional.of(A), locator.locate("k"));
    // Were A asked again it could not answer: the answer must come from memory.
    holder.close();
    long start = System.nanoTime();
    assertEquals(Optional.of(A), locator.locate("k"));
    assertTrue(millisSince(start) < FAST, "answered from memory");
  }

  @Test
  void missForgetsWhatWasRemembered() throws Exception {
    live.set(B);
    Locator locator = Locator.overBus(bus, live, LONG);
    rememberThat(locator, B);
    live.set(A);
    respond(A, key -> false);
    assertEquals(Optional.empty(), locator.locate("k"), "B is not live, so A is asked");
    live.set(A, B);
    respond(B, key -> false);
    assertEquals(Optional.empty(), locator.locate("k"), "the miss dropped B from memory");
  }

  @Test
  void rememberedServerThatIsNoLongerLiveIsNotAnsweredFromMemory() throws Exception {
    live.set(A);
    Locator locator = Locator.overBus(bus, live, LONG);
    rememberThat(locator, A);
    respond(B, "k"::equals);
    live.set(B);
    assertEquals(Optional.of(B), locator.locate("k"));
  }

  @Test
  void noLiveServerIsAnImmediateMiss() throws Exception {
    respond(A, key -> true);
    Locator locator = Locator.overBus(bus, live, LONG);
    live.set(A);
    assertEquals(Optional.of(A), locator.locate("k"), "remembered");
    live.set();
    long start = System.nanoTime();
    assertEquals(Optional.empty(), locator.locate("k"));
    assertEquals(Optional.empty(), locator.locate("other"));
    assertTrue(millisSince(start) < FAST, "took " + millisSince(start) + " ms");
  }

  @Test
  void busThatCannotCarryTheQuestionIsBusUnavailable() throws Exception {
    live.set(A);
    bus.close();
    OstoreException e = assertThrows(OstoreException.class,
        () -> Locator.overBus(bus, live, LONG).locate("k"));
    assertEquals(ErrorCode.BUS_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().startsWith("cannot ask the data servers where k is: "),
        e.getMessage());
  }

  @Test
  void keysTravelAsJsonStrings() throws Exception {
    live.set(A);
    String key = "quote \" backslash \\ é";
    respond(A, key::equals);
    assertEquals(Optional.of(A), Locator.overBus(bus, live, LONG).locate(key));
  }

  /**
   * Makes {@code locator} remember that {@code holder}, live now, holds k, by a locate it answers
   * alone; its responder is closed after, so that only memory can say so again.
   */
  private void rememberThat(Locator locator, ServerAddress holder) throws Exception {
    try (LocateResponder answering = LocateResponder.start(bus, holder, "k"::equals)) {
      assertEquals(Optional.of(holder), locator.locate("k"));
    }
  }

  private LocateResponder respond(ServerAddress self, Predicate<String> holds) throws IOException {
    LocateResponder responder = LocateResponder.start(bus, self, holds);
    responders.add(responder);
    return responder;
  }

  /** A server built from the reference code: answers hits only, with its address as a string. */
  private void referenceServer(ServerAddress self, Predicate<String> holds) throws IOException {
    rawServer(self, request -> holds.test(Json.parseString(request.body()))
        ? List.of(Json.quote(self.toString())) : List.of());
  }

  /** A server answering each request with the replies {@code replies} gives, verbatim. */
  private void rawServer(ServerAddress self,
      java.util.function.Function<Message, List<String>> replies) throws IOException {
    Subscription subscription = bus.subscribe(MessageBus.DATA_SERVERS, request -> {
      for (String reply : replies.apply(request)) {
        try {
          bus.reply(request, reply);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    responders.add(subscription);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Live servers as the test sets them. */
  private static final class SettableLiveServers implements LiveServers {
    private volatile Set<ServerAddress> servers = Set.of();

    void set(ServerAddress... live) {
      servers = Set.of(live);
    }

    @Override
    public Set<ServerAddress> live() {
      return servers;
    }

    @Override
    public Set<ServerAddress> withRoom() {
      return servers;
    }

    @Override
    public OptionalLong freeOf(ServerAddress server) {
      return OptionalLong.empty();
    }

    @Override
    public void heard(ServerAddress server) {
      throw new UnsupportedOperationException("the locator never reports servers heard");
    }

    @Override
    public void heard(Heartbeat heartbeat) {
      throw new UnsupportedOperationException("the locator never reports servers heard");
    }

    @Override
    public Optional<ServerId> idOf(ServerAddress server) {
      return Optional.empty();
    }

    @Override
    public Optional<ServerAddress> addressOf(ServerId id) {
      return Optional.empty();
    }

    @Override
    public void dropUntilHeard(ServerAddress server) {
      servers = servers.stream().filter(s -> !s.equals(server)).collect(Collectors.toSet());
    }

    @Override
    public void close() {}
  }
}
