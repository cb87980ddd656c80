package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.server.data.DataServerConfig;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one-command store's data servers keep their shards on one disk, so they scrub it at one
 * disk's rate between them, not each at that rate.
 */
class LocalClusterScrubTest extends ClusterTest {
  private static final Pattern RATE = Pattern.compile("\"Rate\":(\\d+),");

  @Test
  void itsDataServersShareOneDisksScrubRate() throws Exception {
    List<ServerAddress> servers = cluster.dataServerAddresses();
    long total = 0;
    for (ServerAddress server : servers) {
      HttpResponse<String> scrub = new Http(server.baseUri()).get("/scrub");
      assertEquals(200, scrub.statusCode(), scrub.body());
      Matcher rate = RATE.matcher(scrub.body());
      assertTrue(rate.find(), scrub.body());
      assertEquals(DataServerConfig.DEFAULT_SCRUB_RATE / servers.size(),
          Long.parseLong(rate.group(1)), server + ": " + scrub.body());
      total += Long.parseLong(rate.group(1));
    }
    assertEquals(3, servers.size());
    assertEquals(DataServerConfig.DEFAULT_SCRUB_RATE, total, 2.0);
  }
}
