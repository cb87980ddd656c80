package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.server.api.ApiServer;
import dev.ostore.server.api.ApiServerConfig;
import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against the real servers: the protocol as docs/protocol.md states it. */
@Timeout(60)
class AgainstRealServersTest {
  @TempDir
  Path root;
  LocalCluster cluster;
  OstoreClient client;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(root.resolve("store"));
    client = OstoreClient.builder(cluster.uri()).build();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void bytesFilesAndStreamsRoundTrip() throws Exception {
    byte[] bytes = random(1_500_000, 1);
    client.put("from-bytes", bytes);
    Path file = root.resolve("upload.bin");
    Files.write(file, bytes);
    client.put("from-file", file);
    client.put("from-stream", new ByteArrayInputStream(bytes));
    for (String name : List.of("from-bytes", "from-file", "from-stream")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(bytes.length, client.get(name, out));
      assertArrayEquals(bytes, out.toByteArray(), name);
      try (InputStream in = client.open(name)) {
        assertArrayEquals(bytes, in.readAllBytes(), name);
      }
      Path target = root.resolve(name + ".out");
      client.get(name, target);
      assertArrayEquals(bytes, Files.readAllBytes(target), name);
      assertEquals(new ObjectInfo(name, bytes.length), client.head(name));
    }
  }

  @Test
  void locateNamesOneOfTheDataServers() throws Exception {
    client.put("located", new byte[] {1, 2, 3});
    String address = client.locate("located");
    assertTrue(cluster.dataServerAddresses().stream().map(ServerAddress::toString)
        .anyMatch(address::equals), address);
  }

  @Test
  void aMissingObjectIsObjectNotFoundWithTheServersMessage() throws Exception {
    ObjectNotFoundException get = assertThrows(ObjectNotFoundException.class,
        () -> client.get("absent", new ByteArrayOutputStream()));
    assertEquals(404, get.status());
    assertEquals("object absent not found", get.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> client.head("absent"));
    assertThrows(ObjectNotFoundException.class, () -> client.locate("absent"));
    Path target = root.resolve("absent.out");
    assertThrows(ObjectNotFoundException.class, () -> client.get("absent", target));
    assertFalse(Files.exists(target));
  }

  /** The client's encoding of names and the server's decoding agree, byte for byte. */
  @Test
  void clientAndServerAgreeOnEveryName() throws Exception {
    HttpClient raw = HttpClient.newHttpClient();
    for (String name : List.of("plain", "with space", "a+b", "100%", "ü-東京-🎉", "~tilde",
        "...", ".hidden", "semi;colon?query#hash", "x".repeat(255))) {
      byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.put(name, bytes);
      String path = "/objects/" + dev.ostore.ObjectName.of(name).urlSegment();
      HttpResponse<byte[]> got = raw.send(HttpRequest.newBuilder(cluster.uri().resolve(path))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, got.statusCode(), name);
      assertArrayEquals(bytes, got.body(), name);
    }
  }

  @Test
  void withoutDataServersCallsFailWithServiceUnavailable() throws Exception {
    try (MessageBus bus = MessageBus.inMemory();
        ApiServer lonely = ApiServer.start(ApiServerConfig.embedded(
            new ServerAddress("127.0.0.1", 0), root, 1), bus, InstantSource.system())) {
      OstoreClient alone = OstoreClient.builder(lonely.address().baseUri()).build();
      ServiceUnavailableException put = assertThrows(ServiceUnavailableException.class,
          () -> alone.put("x", random(4_000_000, 2)));
      assertEquals("no data server is live", put.getMessage());
      assertThrows(ServiceUnavailableException.class,
          () -> alone.get("x", new ByteArrayOutputStream()));
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

}
