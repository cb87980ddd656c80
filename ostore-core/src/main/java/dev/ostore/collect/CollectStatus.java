package dev.ostore.collect;

import static java.util.Objects.requireNonNull;

import dev.ostore.pass.PassRunner;
import java.util.Optional;

/** The collector now: the pass running, if any, and the last one finished. */
public record CollectStatus(Optional<CollectReport> running, Optional<CollectReport> last) {
  public CollectStatus {
    requireNonNull(running, "running");
    requireNonNull(last, "last");
  }

  /** As JSON: {@code {"state":"running"|"idle", "pass":{...}|null, "lastPass":{...}|null}}. */
  public String toJson() {
    return PassRunner.statusJson(running.map(CollectReport::toJson),
        last.map(CollectReport::toJson));
  }
}
