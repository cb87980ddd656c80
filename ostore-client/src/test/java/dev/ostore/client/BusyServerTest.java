package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.server.api.ApiServerConfig;
import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against a store that streams one big transfer at a time ({@code MAX_TRANSFERS=1}): a
 * big upload answered 503 while another transfer holds the slot goes up once that one ends, by
 * the retries the SDK makes of any 5xx.
 */
@Timeout(120)
class BusyServerTest {
  @TempDir
  Path root;

  @Test
  void aBigUploadToABusyServerGoesUpOnceTheTransferBeforeItEnds() throws Exception {
    ApiServerConfig config = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root.resolve("store")).withTransfers(1, Duration.ofMillis(100));
    byte[] bytes = new byte[3 << 20];
    new Random(21).nextBytes(bytes);
    Path file = Files.write(root.resolve("big.bin"), bytes);
    try (LocalCluster cluster = LocalCluster.start(config)) {
      OstoreClient client = OstoreClient.builder(cluster.uri()).resumableAbove(1 << 20)
          .uploadRetries(5, Duration.ofMillis(200)).build();
      CompletableFuture<ObjectVersion> put;
      try (Socket holder = new Socket(cluster.apiAddress().host(), cluster.apiAddress().port())) {
        // A PUT whose length says it is big takes the slot, then waits for a body never sent.
        holder.getOutputStream().write(("PUT /objects/holder HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 1048576\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        holder.getOutputStream().flush();
        awaitMetric(cluster.uri(), "ostore_transfers_in_progress 1");
        put = CompletableFuture.supplyAsync(() -> {
          try {
            return client.put("big", file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        awaitMetric(cluster.uri(), "ostore_transfers_refused_total 1");
      } // the holder hangs up: its PUT ends, and gives its slot back
      ObjectVersion version = put.get(60, TimeUnit.SECONDS);
      assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      client.get("big", read);
      assertArrayEquals(bytes, read.toByteArray());
    }
  }

  /** Waits until the store's metrics have {@code line}. */
  private static void awaitMetric(URI store, String line) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!http.send(HttpRequest.newBuilder(store.resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body().contains("\n" + line + "\n")) {
      assertTrue(System.nanoTime() < deadline, "no " + line + " in /metrics in time");
      Thread.sleep(20);
    }
  }
}
