package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link RequestHead}: what a raw head tells of a request the HTTP server refused. */
class RequestHeadTest {
  @Test
  void readsTheRequestLineAndHeadersUpToTheBody() {
    RequestHead head = RequestHead.parse("\r\nPUT /objects/a%ZZ?x=1 HTTP/1.1\r\n"
        + "Host: h\r\ncontent-length :  abc \r\n\r\nbody: not a header\r\n");
    assertTrue(head.hasWellFormedRequestLine());
    assertEquals("PUT", head.method());
    assertEquals("/objects/a%ZZ", head.path());
    assertEquals(Optional.of("abc"), head.header("Content-Length"));
    assertEquals(Optional.empty(), head.header("body"));
  }

  @Test
  void readsEveryHeaderOfAName() {
    RequestHead head = RequestHead.parse("PUT /a HTTP/1.1\r\nContent-Length: 5\r\nHost: h\r\n"
        + "content-length: 6\r\n\r\n");
    assertEquals(List.of("5", "6"), head.headers("Content-Length"));
    assertEquals(Optional.of("5"), head.header("Content-Length"));
    assertEquals(List.of(), head.headers("Transfer-Encoding"));
  }

  @Test
  void aRequestLineCutBeforeItsVersionStillNamesMethodAndPath() {
    RequestHead head = RequestHead.parse("GET /objects/" + "n".repeat(100));
    assertFalse(head.hasWellFormedRequestLine());
    assertEquals("GET", head.method());
    assertEquals("/objects/" + "n".repeat(100), head.path());
  }

  @Test
  void somethingElseNamesNoMethodOrPath() {
    for (String raw : new String[] {"THIS IS NOT HTTP\r\n\r\n", "", "\r\n\r\n", "GET\r\n"}) {
      RequestHead head = RequestHead.parse(raw);
      assertFalse(head.hasWellFormedRequestLine(), raw);
      assertEquals("-", head.method(), raw);
      assertEquals("-", head.path(), raw);
    }
  }
}
