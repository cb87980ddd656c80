package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests the HTTP server refuses before any endpoint sees them, sent over a raw socket to a
 * running api server process: each is answered with ostore's one-line reason and logged with its
 * method and path like every other failed request.
 */
@Timeout(60)
class RefusedRequestsTest {
  @TempDir
  static Path root;
  static ServerProcess api;
  static Http http;

  @BeforeAll
  static void startApiServer() throws Exception {
    ServerProcess.Listening listening = ServerProcess.startOnFreePort(
        port -> ServerProcess.start(ApiServerMain.class, List.of(), Map.of(
                "LISTEN_ADDRESS", "127.0.0.1:" + port,
                "STORAGE_ROOT", root.toString(),
                "DATA_SERVERS", "1"),
            List.of(), root.resolve("api.log")), Duration.ofSeconds(30));
    api = listening.server();
    http = new Http(URI.create("http://127.0.0.1:" + listening.port()));
  }

  @AfterAll
  static void stopApiServer() throws Exception {
    api.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/objects/%C3|              |400 Bad Request|the path is not valid UTF-8",
      "/objects/%FF|              |400 Bad Request|the path is not valid UTF-8",
      "/objects/%ZZ|              |400 Bad Request|"
          + "the path has a bad percent escape at character 10",
      "/objects/%|                |400 Bad Request|"
          + "the path has a bad percent escape at character 10",
      "/objects/a%2|              |400 Bad Request|"
          + "the path has a bad percent escape at character 11",
      "/objects/%00|              |400 Bad Request|"
          + "the path contains an encoded NUL character (%00)",
      "/objects/minus|Content-Length: -1|400 Bad Request|Content-Length is negative: -1",
      "/objects/letters|Content-Length: abc|400 Bad Request|Content-Length is not a number: abc",
      "/objects/huge|Content-Length: 99999999999999999999999|400 Bad Request|"
          + "Content-Length is larger than any body: 99999999999999999999999",
      "/objects/two|Content-Length: 1;Content-Length: 2|400 Bad Request|"
          + "two Content-Length headers: 1, 2",
      "/objects/gz|Transfer-Encoding: gzip|400 Bad Request|"
          + "Transfer-Encoding gzip is not supported: only chunked",
      "//objects/a|                 |400 Bad Request|the path has an empty segment: //objects/a",
      "/objects/both|Content-Length: 1;Transfer-Encoding: chunked|400 Bad Request|"
          + "a request with Transfer-Encoding: chunked may not have a Content-Length"})
  void aRefusedRequestIsAnsweredAndLoggedWithOstoresReason(String path, String headers,
      String status, String reason) throws Exception {
    // Headers are given one after another, separated by ';'.
    String head = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + (headers == null ? "Content-Length: 1" : headers).replace(";", "\r\n") + "\r\n";
    assertRefused(head + "\r\n1", status, reason, "api PUT " + path + " -> "
        + status.substring(0, 3) + ": " + reason);
  }

  @ParameterizedTest
  @CsvSource({"PUT", "GET"})
  void aNameOfTenThousandCharactersIsAnswered414AndLoggedCut(String method) throws Exception {
    String name = "n".repeat(10_000);
    assertRefused(method + " /objects/" + name + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "414 URI Too Long", "the request line is longer than the 8192 bytes this server reads",
        "api " + method + " /objects/" + name.substring(0, 256 - "/objects/".length())
            + "... -> 414: the request line is longer than the 8192 bytes this server reads");
  }

  private static void assertRefused(String request, String status, String reason,
      String logLine) throws Exception {
    String answer = http.exchangeRaw(request);
    assertTrue(answer.startsWith("HTTP/1.1 " + status + "\r\n"), answer);
    assertTrue(answer.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), answer);
    assertEquals(reason + "\n", answer.substring(answer.indexOf("\r\n\r\n") + 4));
    api.awaitLog(" INFO    dev.ostore.http.RequestLog: " + logLine + System.lineSeparator(),
        Duration.ofSeconds(10));
  }
}
