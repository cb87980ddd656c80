// Section 16 of docs/benchmarks.md: 200 sequential shard stores to one data server, as a PUT on
// a pooled connection (arg 3 "put") or a streamed POST on a fresh one ("post").
// javac -cp ostore-server-api.jar Lat.java; java -cp ostore-server-api.jar:. Lat PORT SIZE put|post
import dev.ostore.*;
import dev.ostore.dataserver.*;
import dev.ostore.erasure.Striping;
import dev.ostore.stream.Transfers;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;

public class Lat {
  public static void main(String[] a) throws Exception {
    var ex = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });
    var sch = Executors.newSingleThreadScheduledExecutor(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });
    Transfers tr = Transfers.create(ex, sch, InstantSource.system(), Duration.ofSeconds(2), Duration.ofSeconds(30));
    DataServerClient c = DataServerClient.overHttp(tr);
    ServerAddress s = new ServerAddress("127.0.0.1", Integer.parseInt(a[0]));
    int size = Integer.parseInt(a[1]);
    Striping st = new Striping(1, 2, 65536);
    Random r = new Random();
    long[] lat = new long[200];
    for (int i = 0; i < lat.length; i++) {
      byte[] b = new byte[size]; r.nextBytes(b);
      ContentHash h = ContentHash.sha256(b);
      long t0 = System.nanoTime();
      if (a[2].equals("put")) { c.store(s, new ShardId(h, 0), st, size, b).await(); }
      else { try (ShardWriter w = c.upload(s, 0, st)) { w.writeBlock(b, 0, size); w.finish(h, size); } }
      lat[i] = (System.nanoTime() - t0) / 1000;
    }
    Arrays.sort(lat);
    System.out.println(a[2] + " size " + size + " p10 " + lat[20] + " p50 " + lat[100] + " p90 " + lat[180] + " max " + lat[199] + " us");
  }
}
