package dev.ostore.server.api;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ostore.health.HealthCheck;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An api server is ready when it could take a write now: its metadata store answers, and enough
 * data servers are live for the write's layout. A whole copy on one server needs one; a layout
 * spreading a write over k+1 servers will ask for k+1.
 */
final class ApiHealth implements HealthCheck {
  private final MetadataStore metadata;
  private final LiveServers live;
  private final int liveForAWrite;

  ApiHealth(MetadataStore metadata, LiveServers live, int liveForAWrite) {
    checkArgument(liveForAWrite >= 1, "liveForAWrite (%s) must be at least 1", liveForAWrite);
    this.metadata = metadata;
    this.live = live;
    this.liveForAWrite = liveForAWrite;
  }

  @Override
  public Optional<String> problem() {
    List<String> missing = new ArrayList<>(2);
    try {
      metadata.check();
    } catch (IOException e) {
      missing.add(e.getMessage());
    }
    int count = live.live().size();
    if (count < liveForAWrite) {
      missing.add(count + " data server" + (count == 1 ? " is" : "s are") + " live, "
          + liveForAWrite + " needed for a write");
    }
    return missing.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", missing));
  }
}
