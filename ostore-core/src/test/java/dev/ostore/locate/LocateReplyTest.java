package dev.ostore.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocateReplyTest {
  private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 9001);

  @Test
  void ostoreFormNamesTheServerAndWhetherItHasTheObject() {
    assertEquals("{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Whole\":true}",
        new LocateReply(SERVER, true).toJson());
    assertEquals("{\"Addr\":\"127.0.0.1:9001\",\"Found\":false,\"Whole\":false}",
        new LocateReply(SERVER, false).toJson());
  }

  @Test
  void aServerHoldingShardsNamesTheirIndexes() {
    LocateReply reply = new LocateReply(SERVER, true, java.util.List.of(0, 3));
    assertEquals("{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Whole\":false,\"Id\":0,"
        + "\"Shards\":[0,3]}",
        reply.toJson());
    assertEquals(reply, LocateReply.parse(reply.toJson()));
    assertEquals(java.util.List.of(), LocateReply.parse(
        "{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Shards\":[]}").shards());
    assertEquals(java.util.List.of(), LocateReply.parse(new LocateReply(SERVER, true).toJson())
        .shards(), "the older form holds no shards");
  }

  @Test
  void aServerHoldingTheContentWholeAndShardsSaysBoth() {
    LocateReply reply = new LocateReply(SERVER, true, java.util.List.of(2), true);
    assertEquals(reply, LocateReply.parse(reply.toJson()));
    assertTrue(LocateReply.parse(reply.toJson()).whole());
    assertFalse(LocateReply.parse(new LocateReply(SERVER, true, java.util.List.of(2)).toJson())
        .whole());
  }

  @Test
  void readsTheReferencesChapterFiveForm() {
    LocateReply reply = LocateReply.parse("{\"Addr\":\"127.0.0.1:9001\",\"Id\":4}");
    assertEquals(java.util.List.of(4), reply.shards());
    assertTrue(reply.found());
    assertFalse(reply.whole());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Shards\":3}",
      "{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Shards\":[255]}",
      "{\"Addr\":\"127.0.0.1:9001\",\"Found\":true,\"Shards\":[-1]}",
      "{\"Addr\":\"127.0.0.1:9001\",\"Found\":false,\"Shards\":[1]}"})
  void refusesShardsThatAreNotIndexesOfAHit(String json) {
    assertThrows(IllegalArgumentException.class, () -> LocateReply.parse(json));
  }

  @Test
  void referenceFormIsTheAddressAsAJsonString() {
    assertEquals("\"127.0.0.1:9001\"", new LocateReply(SERVER, true).toReferenceJson());
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1,9001,true", "127.0.0.1,9001,false", "data-1.example,80,true",
      "::1,9001,false"})
  void bothFormsRoundTrip(String host, int port, boolean found) {
    LocateReply reply = new LocateReply(new ServerAddress(host, port), found);
    assertEquals(reply, LocateReply.parse(reply.toJson()));
    if (found) {
      assertEquals(reply, LocateReply.parse(reply.toReferenceJson()));
    }
  }

  @Test
  void parsesMembersInAnyOrderWithBlanks() {
    assertEquals(new LocateReply(SERVER, false),
        LocateReply.parse(" { \"Found\" : false , \"Addr\" : \"127.0.0.1:9001\" } "));
  }

  @Test
  void referenceReplyIsAlwaysAHit() {
    assertEquals(new LocateReply(SERVER, true), LocateReply.parse("\"127.0.0.1:9001\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"Found\":true}", "{\"Addr\":9001,\"Found\":true}",
      "{\"Addr\":\"127.0.0.1:9001\",\"Found\":\"true\"}",
      "{\"Addr\":\"127.0.0.1:9001\"}"})
  void refusesAnObjectWithoutAddrStringAndFoundBoolean(String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocateReply.parse(json));
    assertTrue(e.getMessage().startsWith("locate reply has no"), e.getMessage());
    assertTrue(e.getMessage().endsWith(json), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "nonsense", "42", "\"127.0.0.1\"", "\"127.0.0.1:99999\"",
      "{\"Addr\":\"no-port\",\"Found\":true}", "{\"Addr\":\"127.0.0.1:9001\",\"Found\":true",
      "\"127.0.0.1:9001\" trailing", "{\"Addr\":\"a:1\",\"Addr\":\"b:2\",\"Found\":true}"})
  void refusesMalformedReplies(String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocateReply.parse(json));
    assertTrue(!e.getMessage().isBlank(), "the message says what is wrong");
  }

  @Test
  void refusesANullServer() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new LocateReply(null, true));
    assertEquals("server", e.getMessage());
  }
}
