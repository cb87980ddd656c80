package dev.ostore.repair;

import static java.util.Objects.requireNonNull;

import dev.ostore.pass.PassRunner;
import java.util.Optional;

/** The repair service now: the pass running, if any, and the last one finished. */
public record RepairStatus(Optional<PassReport> running, Optional<PassReport> last) {
  public RepairStatus {
    requireNonNull(running, "running");
    requireNonNull(last, "last");
  }

  /** {@code "running"} during a pass, else {@code "idle"}. */
  public String state() {
    return running.isPresent() ? "running" : "idle";
  }

  /** As JSON: {@code {"state":..., "pass":{...}|null, "lastPass":{...}|null}}. */
  public String toJson() {
    return PassRunner.statusJson(running.map(PassReport::toJson),
        last.map(PassReport::toJson));
  }
}
