package dev.ostore.bus;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Converts {@link Message}s to and from AMQP, and runs handlers the way {@link MessageBus}
 * promises: a message that is not UTF-8 text, or that its handler throws on, is logged and dropped.
 */
final class RabbitMqMessages {
  private static final Logger log = System.getLogger(RabbitMqMessages.class.getName());

  private RabbitMqMessages() {}

  static AMQP.BasicProperties properties(Message message) {
    return new AMQP.BasicProperties.Builder()
        .replyTo(message.replyTo().orElse(null))
        .correlationId(message.correlationId().orElse(null))
        .build();
  }

  static byte[] body(Message message) {
    return message.body().getBytes(UTF_8);
  }

  /** The message in {@code delivery}, or empty, after logging it, if its body is not UTF-8. */
  static Optional<Message> decode(Delivery delivery, Object source) {
    byte[] bytes = delivery.getBody();
    String body;
    try {
      // A fresh decoder reports malformed input, where new String(bytes, UTF_8) would silently
      // replace it and hand the handler a corrupted body.
      body = UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      log.log(WARNING, () -> "dropped a message from " + source + " that is not UTF-8 text ("
          + bytes.length + " bytes): " + new String(bytes, UTF_8));
      return Optional.empty();
    }
    AMQP.BasicProperties properties = delivery.getProperties();
    return Optional.of(new Message(
        body, present(properties.getReplyTo()), present(properties.getCorrelationId())));
  }

  /** Runs {@code handler}; if it throws, logs the message and the failure, and carries on. */
  static void handle(Consumer<Message> handler, Message message, Object source) {
    try {
      handler.accept(message);
    } catch (RuntimeException e) {
      log.log(ERROR, () -> "handler of " + source + " failed on " + message.body(), e);
    }
  }

  /** AMQP has no null string; an empty replyTo or correlation id means there is none. */
  private static Optional<String> present(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isEmpty());
  }
}
