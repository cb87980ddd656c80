// Section 16 of docs/benchmarks.md: 200 sequential shard stores to one data server, as a PUT on
// a pooled connection (arg 3 "put") or a streamed POST on a fresh one ("post").
// javac -cp ostore-server-api.jar Lat.java; java -cp ostore-server-api.jar:. Lat PORT SIZE put|post
import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.erasure.Striping;
import dev.ostore.stream.Transfers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

public class Lat {
  public static void main(String[] a) throws Exception {
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
    Transfers transfers = Transfers.create(Executors.newCachedThreadPool(daemons),
        Executors.newSingleThreadScheduledExecutor(daemons), InstantSource.system(),
        Duration.ofSeconds(2), Duration.ofSeconds(30));
    DataServerClient client = DataServerClient.overHttp(transfers);
    ServerAddress server = new ServerAddress("127.0.0.1", Integer.parseInt(a[0]));
    int size = Integer.parseInt(a[1]);
    Striping copies = new Striping(1, 2, 65536);
    Random random = new Random();
    long[] micros = new long[200];
    for (int i = 0; i < micros.length; i++) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      ContentHash hash = ContentHash.sha256(bytes);
      long start = System.nanoTime();
      if (a[2].equals("put")) {
        client.store(server, new ShardId(hash, 0), copies, size, bytes).await();
      } else {
        try (ShardWriter writer = client.upload(server, 0, copies)) {
          writer.writeBlock(bytes, 0, size);
          writer.finish(hash, size);
        }
      }
      micros[i] = (System.nanoTime() - start) / 1000;
    }
    Arrays.sort(micros);
    System.out.println(a[2] + " size " + size + " p10 " + micros[20] + " p50 " + micros[100]
        + " p90 " + micros[180] + " max " + micros[199] + " us");
  }
}
