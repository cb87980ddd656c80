package dev.ostore.health;

import java.util.Optional;

/**
 * Whether a server can do its work now, for a load balancer to poll: empty when it can, else a
 * one-line reason naming what is missing. It may look (a query, a file written), so it must be
 * bounded in time, but it runs only when asked.
 */
@FunctionalInterface
public interface HealthCheck {
  Optional<String> problem();
}
