package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.dataserver.BlockAppend;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.InProcessDataServers;
import dev.ostore.dataserver.PendingShard;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.ShardUpload;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataServerClient#preferringInProcess}: shards sent whole and shard reads by calling the
 * data server's store, the rest over HTTP, all as the contract says.
 */
class InProcessDataServerClientTest extends DataServerClientContract {
  private final InProcessDataServers inProcess = InProcessDataServers.create();

  @TempDir
  Path elsewhere;

  @Override
  DataServerClient client(Transfers transfers) {
    return DataServerClient.preferringInProcess(inProcess, DataServerClient.overHttp(transfers),
        executor);
  }

  @Override
  void started(DataServer server) {
    server.serveInProcess(inProcess);
  }

  @Test
  void shardsStoredAppendedAndReadNeverReachTheServersHttp() throws IOException {
    ShardId id = new ShardId(HASH, 3);
    byte[] bytes = TestData.randomBytes(250, 11);
    assertEquals(ShardWrite.STORED,
        client.store(server.address(), id, STRIPING, LAYOUT.objectSize(), bytes).await());
    try (ShardWriter writer = client.upload(server.address(), 4, STRIPING)) {
      writer.writeBlock(bytes, 0, 100);
      writer.writeBlock(bytes, 100, 100);
      writer.writeBlock(bytes, 200, 50);
      assertEquals(ShardWrite.STORED, writer.finish(HASH, LAYOUT.objectSize()));
    }
    for (int index : new int[] {3, 4}) {
      try (InputStream in = client.read(server.address(), new ShardId(HASH, index), LAYOUT, 0,
          3)) {
        assertArrayEquals(bytes, in.readAllBytes());
      }
    }
    try (BlockAppend append = client.append(server.address(), UPLOAD, STRIPING,
        LAYOUT.objectSize(), EXPIRES, 0)) {
      append.writeBlock(bytes, 0, 100);
      assertEquals(1, append.finish());
    }
    metrics();
    String counted = metrics();
    assertTrue(counted.contains("endpoint=\"/metrics\""), "the scrape before is counted");
    assertFalse(counted.contains("endpoint=\"/shards/"), counted);
    assertFalse(counted.contains("endpoint=\"/uploads/"), counted);
  }

  private String metrics() throws IOException {
    try (InputStream in = server.address().baseUri().resolve("/metrics").toURL().openStream()) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  @Test
  void aShardSentWholeWhileThePoolRefusesIsStoredByTheThreadThatAwaitsIt() throws IOException {
    ExecutorService closing = Executors.newSingleThreadExecutor();
    closing.shutdown();
    DataServerClient refused = DataServerClient.preferringInProcess(inProcess,
        DataServerClient.overHttp(transfers), closing);
    ShardId id = new ShardId(HASH, 2);
    byte[] bytes = TestData.randomBytes(250, 12);

    assertEquals(ShardWrite.STORED,
        refused.store(server.address(), id, STRIPING, LAYOUT.objectSize(), bytes).await());

    try (InputStream in = client.read(server.address(), id, LAYOUT, 0, 3)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  @Test
  void aStoreWithNoRoomLeftIsBusyAsOverHttp() throws Exception {
    try (Socket nothingListens = TcpProxy.reservedPort();
        ShardStore full = ShardStore.onDisk(elsewhere, 1);
        ShardUpload holdingTheOnlySlot = full.create(0, STRIPING)) {
      ServerAddress address = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      inProcess.add(address, full);

      OstoreException e = assertThrows(OstoreException.class, () -> client.store(address,
          new ShardId(HASH, 1), STRIPING, LAYOUT.objectSize(), new byte[250]).await());

      assertEquals(ErrorCode.BUSY, e.code());
      assertTrue(e.getMessage().contains("shard " + HASH.hex() + ".1 on " + address),
          e.getMessage());
    }
  }

  @Test
  void aStoreClosedUnderTheClientIsADataServerFailure() throws Exception {
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      ServerAddress address = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      ShardStore closed = ShardStore.onDisk(elsewhere, 1);
      closed.close();
      inProcess.add(address, closed);

      PendingShard pending = client.store(address, new ShardId(HASH, 1), STRIPING,
          LAYOUT.objectSize(), new byte[250]);
      pending.settled().handle((written, failure) -> failure).get(30, TimeUnit.SECONDS);
      OstoreException e = assertThrows(OstoreException.class, pending::await);

      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    }
  }
}
