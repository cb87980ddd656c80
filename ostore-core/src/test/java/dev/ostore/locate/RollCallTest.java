package dev.ostore.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.LiveServers;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RollCall} on a scripted bus, with the real registry of live servers: who answers is
 * live, whenever the bus comes back.
 */
class RollCallTest {
  static final ServerAddress A = new ServerAddress("127.0.0.1", 9001);
  static final ServerAddress B = new ServerAddress("127.0.0.1", 9002);

  final ScriptedBus bus = new ScriptedBus();
  final FakeClock clock = new FakeClock();
  LiveServers live;

  @BeforeEach
  void listen() throws Exception {
    live = LiveServers.listen(bus, clock, Duration.ofSeconds(10));
  }

  @AfterEach
  void close() {
    live.close();
    bus.close();
  }

  @Test
  void callsTheRollAtStartAndAfterEachReconnectAsALocateNoServerHolds() {
    try (RollCall rollCall = RollCall.start(bus, live)) {
      assertEquals(1, bus.requests().size());
      bus.reconnected();
      bus.reconnected();
      assertEquals(3, bus.requests().size());
      for (ScriptedBus.Request request : bus.requests()) {
        assertEquals(MessageBus.DATA_SERVERS, request.exchange());
        assertEquals("\"roll call\"", request.body());
      }
      assertFalse(bus.requests().get(0).open().get(), "a new roll call ends the one before");
      assertTrue(bus.requests().get(2).open().get(), "late answers to the last one still count");
    }
    assertFalse(bus.requests().get(2).open().get());
    bus.reconnected();
    assertEquals(3, bus.requests().size(), "closed, it calls no more");
  }

  @Test
  void everyServerThatAnswersIsLiveInEitherFormOfLocateReply() {
    try (RollCall rollCall = RollCall.start(bus, live)) {
      bus.reconnected();
      ScriptedBus.Request request = bus.requests().get(1);
      answer(request, new LocateReply(A, false).toJson());
      answer(request, new LocateReply(B, true).toReferenceJson());
      answer(request, "\"no address\"");
      answer(request, "{\"Addr\":\"0.0.0.0:9003\",\"Found\":false}");
      assertEquals(Set.of(A, B), live.live());
      clock.advance(Duration.ofSeconds(10));
      assertEquals(Set.of(), live.live(), "heard once, they expire like any other");
    }
  }

  private static void answer(ScriptedBus.Request request, String body) {
    request.onReply().accept(Message.of(body));
  }
}
