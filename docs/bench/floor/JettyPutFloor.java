import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The least a store on Jetty does for a small PUT it acknowledges only once durable: read the
 * body on a pool thread (as ostore's PUT), then, one request at a time, write PAGES frames of an
 * SQLite log (4,096 bytes and a 24-byte header each) over a file made beforehand, force it once,
 * and answer 201; PAGES 0 forces nothing. A one-command store's small PUT writes 9 to 14 such
 * frames in its one commit (benchmarks.md, section 58). A floor to measure stores against, not a
 * server. Run with the api server's jar, which holds Jetty:
 *
 * <pre>java -cp ostore-server-api.jar JettyPutFloor.java PORT PAGES LOG_FILE</pre>
 */
public class JettyPutFloor {
  private static final int FRAME = 24 + 4096;
  /** Commits the log holds before it starts over, as SQLite's log does after a checkpoint. */
  private static final int COMMITS = 1_000;

  public static void main(String[] args) throws Exception {
    int pages = Integer.parseInt(args[1]);
    ByteBuffer commit = ByteBuffer.allocateDirect(pages * FRAME);
    byte[] frames = new byte[pages * FRAME];
    ThreadLocalRandom.current().nextBytes(frames);
    commit.put(frames).flip();
    long span = (long) COMMITS * commit.capacity();
    FileChannel log = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    // Written and forced now, so that a commit overwrites blocks the file has, as a log does.
    for (long at = 0; at < span; at += commit.capacity()) {
      log.write(commit.duplicate(), at);
    }
    log.force(true);
    byte[] answer = "stored\n".getBytes(StandardCharsets.US_ASCII);
    long[] next = {0};
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        try (InputStream body = Content.Source.asInputStream(request)) {
          body.transferTo(OutputStream.nullOutputStream());
        }
        if (pages > 0) {
          synchronized (next) {
            log.write(commit.duplicate(), next[0]);
            log.force(false);
            next[0] = (next[0] + commit.capacity()) % span;
          }
        }
        response.setStatus(201);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
        response.write(true, ByteBuffer.wrap(answer), callback);
        return true;
      }
    });
    server.start();
    server.join();
  }
}
