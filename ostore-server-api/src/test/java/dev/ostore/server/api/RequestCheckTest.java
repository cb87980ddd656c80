package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the api server checks before an endpoint acts: the method on the path, the query
 * parameters, and, before it asks a client waiting for {@code 100 Continue} for its body, the
 * name and digest headers.
 */
@Timeout(60)
class RequestCheckTest extends ClusterTest {
  @Test
  void aDeleteWithAnUnknownParameterIsRefusedAndDeletesNothing() throws Exception {
    http.put("/objects/a", "kept");
    HttpResponse<String> delete = http.method("DELETE", "/objects/a?versoin=1");
    assertEquals(400, delete.statusCode());
    assertEquals("unknown query parameter versoin: DELETE /objects/{name} takes version\n",
        delete.body());
    assertEquals("kept", http.get("/objects/a").body());
    assertEquals(1, http.get("/versions/a").body().lines().count());
  }

  @Test
  void aPutWithAQueryParameterStoresNothing() throws Exception {
    HttpResponse<String> put = http.put("/objects/x?version=abc", "not stored");
    assertEquals(400, put.statusCode());
    assertEquals("unknown query parameter version: PUT /objects/{name} takes none\n", put.body());
    assertEquals(404, http.get("/objects/x").statusCode());
  }

  @Test
  void aParameterGivenTwiceOrMisspeltIsRefused() throws Exception {
    http.put("/objects/a", "one");
    http.put("/objects/a", "two");
    HttpResponse<String> twice = http.get("/objects/a?version=1&version=2");
    assertEquals(400, twice.statusCode());
    assertEquals("query parameter version is given twice\n", twice.body());
    HttpResponse<String> misspelt = http.get("/objects/a?verison=1");
    assertEquals(400, misspelt.statusCode());
    assertEquals("unknown query parameter verison: GET /objects/{name} takes version\n",
        misspelt.body());
    HttpResponse<String> listing = http.get("/objects/?prefix=a&page=2");
    assertEquals("unknown query parameter page: GET /objects/ takes prefix, limit, cursor\n",
        listing.body());
    assertEquals("one", http.get("/objects/a?version=1").body());
  }

  @Test
  void aMalformedEscapeInTheQueryIs400() throws Exception {
    String answer = http.exchangeRaw(
        "GET /objects/?prefix=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.endsWith(
        "\r\n\r\nquery parameter prefix has a bad percent escape at character 1\n"), answer);
  }

  @Test
  void aBadNameDigestOrQueryIsRefusedBeforeTheBodyIsAskedFor() throws Exception {
    String[][] cases = {
        {"/objects/a%2Fb", "", "bad object name: object name contains '/'"},
        {"/objects/x", "Digest: SHA-256=not-base64\r\n",
            "malformed Digest header: SHA-256=not-base64"},
        {"/objects/x?version=1", "", "unknown query parameter version"},
        {"/objects/", "", "method PUT is not allowed on /objects/; use GET"}};
    for (String[] refused : cases) {
      // As curl sends a large upload: the headers, then the body only after 100 Continue.
      String answer = http.exchangeRaw("PUT " + refused[0] + " HTTP/1.1\r\nHost: x\r\n"
          + refused[1] + "Content-Length: 200000000\r\nExpect: 100-continue\r\n\r\n");
      assertTrue(answer.startsWith("HTTP/1.1 4"), refused[0] + " -> " + answer);
      assertFalse(answer.contains("100 Continue"), refused[0] + " -> " + answer);
      assertTrue(answer.contains("\r\n\r\n" + refused[2]), refused[0] + " -> " + answer);
    }
    assertEquals(404, http.get("/objects/x").statusCode());
  }

  @Test
  void theCollectionTakesOnlyGet() throws Exception {
    for (String method : new String[] {"PUT", "DELETE", "HEAD"}) {
      HttpResponse<String> answer = http.method(method, "/objects/");
      assertEquals(405, answer.statusCode(), method);
      assertEquals("GET", answer.headers().firstValue("Allow").orElseThrow(), method);
    }
    assertEquals("method PUT is not allowed on /objects/; use GET\n",
        http.put("/objects/", "no name").body());
  }

  @Test
  void aHashInTheQueryMayBeRawBase64WithPlusSigns() throws Exception {
    String content = contentWhoseBase64HasAPlus();
    http.put("/objects/plus", content);
    String base64 = ContentHash.sha256(content.getBytes(UTF_8)).base64();
    HttpResponse<String> located = http.get("/locate/?hash=" + base64);
    assertEquals(200, located.statusCode(), located.body());
    assertEquals(http.get("/locate/plus").body(), located.body());
  }

  private static String contentWhoseBase64HasAPlus() {
    for (int i = 0; ; i++) {
      String content = "content " + i;
      if (ContentHash.sha256(content.getBytes(UTF_8)).base64().contains("+")) {
        return content;
      }
    }
  }
}
