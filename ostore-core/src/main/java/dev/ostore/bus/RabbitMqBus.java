package dev.ostore.bus;

import java.net.URI;

/** Placeholder until the RabbitMQ implementation lands. */
final class RabbitMqBus {
  private RabbitMqBus() {}

  static MessageBus connect(URI uri) {
    throw new UnsupportedOperationException("not yet");
  }
}
