package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.TestData;
import dev.ostore.metrics.PrometheusText;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store whose disk has no room above its data servers' reserve ({@code MIN_FREE_SPACE}): new
 * content is refused with 507, saying why, and everything stored before is served as before.
 */
@Timeout(60)
class FullStoreTest extends ClusterTest {
  @Test
  void aFullStoreRefusesNewContentWith507AndServesWhatItHolds() throws Exception {
    byte[] big = TestData.randomBytes(300_000, 1);
    byte[] small = TestData.randomBytes(20_000, 2); // whole copies, not kept inline
    assertEquals(200, http.put("/objects/big", big).statusCode());
    assertEquals(200, http.put("/objects/small", small).statusCode());
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 3)
        .withMinFreeSpace(Long.MAX_VALUE));

    for (byte[] content : new byte[][] {TestData.randomBytes(300_000, 3),
        TestData.randomBytes(20_000, 4)}) {
      HttpResponse<String> refused = http.put("/objects/new", content);
      assertEquals(507, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("data servers with room, and 3 of the 3 live are"
          + " full (less than their MIN_FREE_SPACE free)"), refused.body());
      assertEquals(1, refused.body().lines().count(), refused.body());
    }
    assertEquals(404, http.get("/objects/new").statusCode(), "nothing of it is visible");
    assertArrayEquals(big, http.getBytes("/objects/big").body());
    assertArrayEquals(small, http.getBytes("/objects/small").body());
    assertEquals(200, http.put("/objects/tiny", TestData.randomBytes(5_000, 5)).statusCode(),
        "content kept inline goes to the metadata store, not to the data servers");

    String servers = http.get("/servers").body();
    assertEquals(3, servers.split("\"Free\":0}", -1).length - 1, servers);
    assertEquals(3, PrometheusText.sum(MetricsEndpointTest.scrape(http),
        "ostore_full_data_servers", Map.of()));
  }
}
