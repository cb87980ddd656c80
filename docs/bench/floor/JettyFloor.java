import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * The least Jetty, as ostore's api server runs it, does for a small GET: a handler that says it
 * never blocks (so Jetty runs it on the thread that read the request, as ostore's quick answers)
 * and writes the same SIZE bytes from memory. A floor to measure stores against, not a server.
 * Run with the api server's jar, which holds Jetty:
 *
 * <pre>java -cp ostore-server-api.jar JettyFloor.java PORT [SIZE]</pre>
 */
public class JettyFloor {
  public static void main(String[] args) throws Exception {
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    byte[] body = new byte[size];
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract(InvocationType.NON_BLOCKING) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
      }
    });
    server.start();
    server.join();
  }
}
