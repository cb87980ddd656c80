import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Declares fanout exchanges on a broker: the tutorial's servers bind to {@code apiServers} and
 * {@code dataServers} without declaring them, so a fresh virtual host needs them first. Run with
 * any jar holding the RabbitMQ client (ostore's data server jar does):
 * {@code java -cp ostore-server-data.jar DeclareExchanges.java amqp://.../vhost apiServers dataServers}.
 */
public final class DeclareExchanges {
  private DeclareExchanges() {}

  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    try (Connection connection = factory.newConnection("bench-declare");
        Channel channel = connection.createChannel()) {
      for (int i = 1; i < args.length; i++) {
        channel.exchangeDeclare(args[i], BuiltinExchangeType.FANOUT);
      }
    }
  }
}
