package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.bus.MessageBus;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An api server killed after the bytes reached a data server but before the content was
 * committed and the version recorded: afterwards no version names content that is not stored.
 */
@Timeout(120)
class KilledApiServerTest {
  @TempDir
  Path root;

  @Test
  void anApiServerKilledBetweenUploadAndCommitLeavesNoVersionPointingAtNothing()
      throws Exception {
    Broker.requireRunning();
    CountDownLatch uploaded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Broker.VirtualHost vhost = new Broker.VirtualHost();
        MessageBus bus = MessageBus.rabbitMq(URI.create(vhost.uri()));
        FakeDataServer data = new FakeDataServer(bus)) {
      data.onPost = exchange -> {
        exchange.copyRequestBodyTo(java.io.OutputStream.nullOutputStream(), "shard");
        uploaded.countDown();
        awaitQuietly(release);
      };
      ServerProcess.Listening first = startApiServer(vhost);
      try (ServerProcess api = first.server()) {
        Http http = new Http(first.uri());
        awaitLive(http, data);
        CompletableFuture<HttpResponse<String>> put = CompletableFuture.supplyAsync(() -> {
          try {
            return http.put("/objects/doomed", new byte[1_000_000]);
          } catch (Exception e) {
            return null;
          }
        });
        assertTrue(uploaded.await(30, TimeUnit.SECONDS), "the body never reached the data server");
        api.kill();
        release.countDown();
        assertEquals(null, put.get(30, TimeUnit.SECONDS), "the client got no answer");
      }
      // On a port of its own: all it must find is in the STORAGE_ROOT it shares with the first.
      ServerProcess.Listening second = startApiServer(vhost);
      try (ServerProcess restarted = second.server()) {
        Http http = new Http(second.uri());
        awaitLive(http, data);
        assertEquals(404, http.get("/objects/doomed").statusCode());
        assertEquals("", http.get("/versions/doomed").body());
        assertTrue(data.shards.isEmpty(), "no shard was committed");
        data.onPost = data::store;
        assertEquals(200, http.put("/objects/after", "fine").statusCode(),
            "the restarted api server works");
      }
    }
  }

  private ServerProcess.Listening startApiServer(Broker.VirtualHost vhost) throws Exception {
    return ServerProcess.startOnFreePort(port -> ServerProcess.start(ApiServerMain.class,
        List.of(), Map.of(
            "RABBITMQ_SERVER", vhost.uri(),
            "LISTEN_ADDRESS", "127.0.0.1:" + port,
            "STORAGE_ROOT", root.resolve("api").toString(),
            // One data server: each content is one shard, the whole of it.
            "ERASURE_CODE", "1+0"),
        List.of(), Path.of("target", "server-logs", "killed-api.log")), Duration.ofSeconds(30));
  }

  private static void awaitLive(Http http, FakeDataServer data) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!http.get("/servers").body().contains(data.address().toString())) {
      assertTrue(System.nanoTime() < deadline, "the data server never became live");
      Thread.sleep(100);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
