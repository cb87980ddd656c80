package dev.ostore.bus;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A message received from the bus: a UTF-8 text body (JSON in every ostore message) and, for a
 * request, where its replies go and the id that ties a reply to its request.
 */
public record Message(String body, Optional<String> replyTo, Optional<String> correlationId) {
  public Message {
    requireNonNull(body, "body");
    requireNonNull(replyTo, "replyTo");
    requireNonNull(correlationId, "correlationId");
  }

  /** A message that expects no reply. */
  public static Message of(String body) {
    return new Message(body, Optional.empty(), Optional.empty());
  }
}
