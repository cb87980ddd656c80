package dev.ostore.bus;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.ProtocolVersionMismatchException;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.Optional;

/**
 * Tells a broker's refusal for good from a fault that passes. A broker that is down, restarting
 * or out of reach is waited for; one that refuses our user name or password, or our virtual host,
 * or an address where something other than an AMQP broker answers, will refuse every attempt
 * until an operator changes something, so retrying every half second only fills the logs.
 */
final class RabbitMqRefusal {
  private RabbitMqRefusal() {}

  /**
   * Why {@code failure}, the failure of a connection attempt to {@code broker} as {@code user},
   * is a refusal for good, in one line; empty when it may pass by itself.
   */
  static Optional<String> of(Throwable failure, String broker, String user) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationFailureException) {
        return Optional.of("RabbitMQ broker " + broker + " refused user " + user + ": "
            + t.getMessage());
      }
      if (t instanceof MalformedFrameException || t instanceof ProtocolVersionMismatchException) {
        return Optional.of(broker + " is not an AMQP broker: what answers there does not speak"
            + " AMQP (" + t.getMessage() + ")");
      }
      if (t instanceof ShutdownSignalException signal && refusedForGood(signal)) {
        AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
        return Optional.of("RabbitMQ broker " + broker + " refused the connection: "
            + close.getReplyText());
      }
    }
    return Optional.empty();
  }

  /**
   * ACCESS_REFUSED, or NOT_ALLOWED for a virtual host that does not exist or that the user may
   * not use. NOT_ALLOWED also says that a virtual host is down or its connection limit reached,
   * both of which pass.
   */
  private static boolean refusedForGood(ShutdownSignalException signal) {
    if (!signal.isHardError() || !(signal.getReason() instanceof AMQP.Connection.Close close)) {
      return false;
    }
    String text = close.getReplyText();
    return close.getReplyCode() == AMQP.ACCESS_REFUSED
        || close.getReplyCode() == AMQP.NOT_ALLOWED
            && (text.contains("not found") || text.contains("refused") && !text.contains("limit"));
  }
}
