package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resumable uploads on the in-process cluster of three data servers (1+2 shards of 64 KiB
 * stripes): one resumed after the whole cluster restarted, with nothing of it in memory.
 */
@Timeout(120)
class LocalClusterUploadsTest extends ClusterTest {
  @Test
  void anUploadResumedAfterARestartReadsBackByteIdentical() throws Exception {
    byte[] bytes = TestData.randomBytes(1_000_003, 31);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(http.uri("/objects/restarted"))
        .header("Size", Integer.toString(bytes.length))
        .header("Content-Digest", "sha-256=:" + ContentHash.sha256(bytes).base64() + ":")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(201, post.statusCode(), post.body());
    String location = post.body().strip();
    assertEquals(200, put(location, 0, Arrays.copyOf(bytes, 400_001)).statusCode());
    restart();
    HttpResponse<String> head = http.head(location);
    assertEquals(200, head.statusCode());
    assertEquals("400001", head.headers().firstValue("Upload-Offset").orElseThrow());
    HttpResponse<String> rest = put(location, 400_001,
        Arrays.copyOfRange(bytes, 400_001, bytes.length));
    assertEquals(200, rest.statusCode(), rest.body());
    assertArrayEquals(bytes, http.getBytes("/objects/restarted").body());
  }

  HttpResponse<String> put(String location, long offset, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(http.uri(location))
        .header("Range", "bytes=" + offset + "-")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }
}
