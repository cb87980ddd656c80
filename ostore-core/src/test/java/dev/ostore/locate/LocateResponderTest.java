package dev.ostore.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A data server's side of locate, for both kinds of requester. */
@Timeout(10)
class LocateResponderTest {
  private static final ServerAddress SELF = new ServerAddress("127.0.0.1", 9001);
  private static final ServerId ID = ServerId.parse("0123456789abcdef0123456789abcdef");
  private static final String NAMED = "{\"Addr\":\"127.0.0.1:9001\",\"Server\":\"" + ID + "\"";
  private static final Optional<String> REPLY_TO = Optional.of("amq.gen-reply");

  private final ScriptedBus scripted = new ScriptedBus();
  private final List<String> asked = new ArrayList<>();

  @Test
  void answersAnOstoreRequestWithFoundTrueOrFalse() throws Exception {
    try (MessageBus bus = MessageBus.inMemory();
        LocateResponder responder = LocateResponder.start(bus, SELF, "here"::equals)) {
      assertEquals("{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Whole\":true}", ask(bus, "\"here\""));
      assertEquals("{\"Addr\":\"127.0.0.1:9001\",\"Found\":false,\"Whole\":false}", ask(bus, "\"elsewhere\""));
    }
  }

  @Test
  void aServerHoldingShardsSaysWhichAndThatItFoundTheKeyAndNamesItself() throws Exception {
    try (MessageBus bus = MessageBus.inMemory();
        LocateResponder responder = LocateResponder.start(bus, SELF, ID, "whole"::equals,
            key -> key.equals("sharded") ? List.of(1, 4) : List.of())) {
      assertEquals(NAMED + ",\"Found\":true,\"Whole\":false,\"Id\":1,\"Shards\":[1,4]}",
          ask(bus, "\"sharded\""));
      assertEquals(NAMED + ",\"Found\":true,\"Whole\":true}", ask(bus, "\"whole\""));
      assertEquals(NAMED + ",\"Found\":false,\"Whole\":false}", ask(bus, "\"neither\""));
      LocateReply parsed = LocateReply.parse(ask(bus, "\"sharded\""));
      assertEquals(Optional.of(ID), parsed.serverId());
      assertEquals(List.of(1, 4), parsed.shards());
    }
  }

  @Test
  void aReferenceRequesterGetsTheBareAddressEvenFromANamedServer() throws Exception {
    LocateResponder.start(scripted, SELF, ID, "here"::equals, key -> List.of());
    scripted.deliver(MessageBus.DATA_SERVERS, referenceRequest("\"here\""));
    assertEquals(List.of("\"127.0.0.1:9001\""), bodies());
  }

  @Test
  void answersAReferenceRequestOnlyOnAHitWithItsAddressAsAString() throws Exception {
    LocateResponder.start(scripted, SELF, this::holdsHere);
    scripted.deliver(MessageBus.DATA_SERVERS, referenceRequest("\"elsewhere\""));
    assertEquals(List.of(), bodies(), "a reference requester is never told no");
    scripted.deliver(MessageBus.DATA_SERVERS, referenceRequest("\"here\""));
    assertEquals(List.of("\"127.0.0.1:9001\""), bodies());
    assertEquals(List.of("elsewhere", "here"), asked);
  }

  @Test
  void ignoresMalformedRequestsAndKeepsAnswering() throws Exception {
    LocateResponder.start(scripted, SELF, this::holdsHere);
    for (String malformed : new String[] {"here", "42", "{\"key\":\"here\"}", "\"here", ""}) {
      scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest(malformed));
    }
    assertEquals(List.of(), bodies());
    assertEquals(List.of(), asked, "no key was made up from a malformed request");
    scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest("\"here\""));
    assertEquals(List.of("{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Whole\":true}"), bodies());
  }

  @Test
  void decodesTheKeyFromItsJsonString() throws Exception {
    LocateResponder.start(scripted, SELF, this::holdsHere);
    scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest("\"a \\\"quoted\\\" \\u00e9\""));
    assertEquals(List.of("a \"quoted\" é"), asked);
  }

  @Test
  void keepsAnsweringAfterAReplyFails() throws Exception {
    LocateResponder.start(scripted, SELF, this::holdsHere);
    scripted.failNextReply(new IOException("broker away on purpose"));
    scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest("\"here\""));
    scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest("\"here\""));
    assertEquals(List.of("{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Whole\":true}"), bodies());
  }

  @Test
  void closedResponderAnswersNoMore() throws Exception {
    LocateResponder responder = LocateResponder.start(scripted, SELF, this::holdsHere);
    responder.close();
    responder.close();
    scripted.deliver(MessageBus.DATA_SERVERS, ostoreRequest("\"here\""));
    assertEquals(List.of(), bodies());
    assertEquals(List.of(), asked);
  }

  private boolean holdsHere(String key) {
    asked.add(key);
    return key.equals("here");
  }

  private List<String> bodies() {
    return scripted.replies().stream().map(ScriptedBus.Reply::body).toList();
  }

  private static Message ostoreRequest(String body) {
    return new Message(body, REPLY_TO, Optional.of("correlation-1"));
  }

  /** As the reference api server asks: a reply queue, but no correlation id. */
  private static Message referenceRequest(String body) {
    return new Message(body, REPLY_TO, Optional.empty());
  }

  private static String ask(MessageBus bus, String body) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, body, replies::add)) {
      Message reply = replies.poll(5, TimeUnit.SECONDS);
      assertNotNull(reply, "no reply within 5 s");
      return reply.body();
    }
  }
}
