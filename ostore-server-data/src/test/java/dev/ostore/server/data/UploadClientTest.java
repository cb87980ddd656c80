package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.bus.MessageBus;
import dev.ostore.dataserver.BlockAppend;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataServerClient}'s resumable uploads against a real data server on a loopback port. */
@Timeout(30)
class UploadClientTest {
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** A 1,000-byte object's shards have 3 blocks (100, 100, 50 bytes). */
  static final Striping STRIPING = new Striping(4, 2, 100);
  static final long SIZE = 1000;
  static final UploadShardId ID = UploadShardId.parse("00112233445566778899aabbccddeeff.1");
  static final byte[] SHARD = TestData.randomBytes(250, 1);

  @TempDir
  Path root;
  MessageBus bus;
  DataServer server;
  ExecutorService executor = Executors.newCachedThreadPool();
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  Transfers transfers;
  DataServerClient client;
  final Instant expires = Instant.now().plus(Duration.ofHours(1));

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = DataServer.start(DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root),
        bus);
    transfers = Transfers.create(executor, scheduler, InstantSource.system(),
        Duration.ofSeconds(2), Duration.ofSeconds(10));
    client = DataServerClient.overHttp(transfers);
  }

  @AfterEach
  void stop() {
    transfers.close();
    server.close();
    bus.close();
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void anUploadAppendedTwiceIsReadBackThenCommittedAsAShard() throws IOException {
    assertEquals(1, append(0, 0, 1));
    assertEquals(3, append(1, 1, 3));
    assertEquals(3, client.uploadedBlocks(server.address(), ID));
    assertArrayEquals(Arrays.copyOfRange(SHARD, 100, 250), readUpload(1, 3));
    assertEquals(ShardWrite.STORED, client.commitUpload(server.address(), ID, HASH));
    ShardId shard = new ShardId(HASH, 1);
    ShardLayout layout = ShardLayout.of(STRIPING, SIZE);
    try (InputStream in = client.read(server.address(), shard, layout, 0, 3)) {
      assertArrayEquals(SHARD, in.readAllBytes());
    }
    NoSuchFileException gone = assertThrows(NoSuchFileException.class,
        () -> client.uploadedBlocks(server.address(), ID));
    assertTrue(gone.getMessage().contains("upload " + ID), gone.getMessage());
    assertThrows(NoSuchFileException.class, () -> readUpload(0, 1));
    assertEquals(ShardWrite.KEPT_EXISTING, client.commitUpload(server.address(), ID, HASH),
        "held already: 200");
    assertFalse(client.deleteUpload(server.address(), ID));
  }

  @Test
  void anAppendFromPastTheBlocksHeldIsAConflictNamingServerAndUpload() throws IOException {
    append(0, 0, 1);
    OstoreException refused = assertThrows(OstoreException.class, () -> append(2, 2, 3));
    assertEquals(ErrorCode.CONFLICT, refused.code());
    assertTrue(refused.getMessage().startsWith("cannot append to upload " + ID + " on "
        + server.address()), refused.getMessage());
    assertTrue(refused.getMessage().contains("holds 1 blocks"), refused.getMessage());
    assertEquals(1, client.uploadedBlocks(server.address(), ID));
  }

  @Test
  void anIncompleteUploadIsNotCommitted() throws IOException {
    append(0, 0, 2);
    OstoreException refused = assertThrows(OstoreException.class,
        () -> client.commitUpload(server.address(), ID, HASH));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, refused.code());
    assertTrue(refused.getMessage().contains("holds 2 of the 3 blocks"), refused.getMessage());
    assertThrows(NoSuchFileException.class, () -> client.commitUpload(server.address(),
        new UploadShardId(ID.upload(), 2), HASH));
  }

  @Test
  void anAbortedAppendLeavesNoTornBlockAndADeletedUploadIsGone() throws IOException {
    append(0, 0, 1);
    try (BlockAppend append = client.append(server.address(), ID, STRIPING, SIZE, expires, 1)) {
      append.writeBlock(SHARD, 100, 100);
      append.abort();
    }
    long held = client.uploadedBlocks(server.address(), ID);
    assertTrue(held == 1 || held == 2, "held " + held);
    assertTrue(client.deleteUpload(server.address(), ID));
    assertFalse(client.deleteUpload(server.address(), ID));
    assertThrows(NoSuchFileException.class, () -> client.uploadedBlocks(server.address(), ID));
  }

  /** Appends blocks {@code [from, to)} of {@link #SHARD} from block {@code start}. */
  private long append(long start, int from, int to) throws IOException {
    try (BlockAppend append = client.append(server.address(), ID, STRIPING, SIZE, expires,
        start)) {
      for (int b = from; b < to; b++) {
        append.writeBlock(SHARD, b * 100, b == 2 ? 50 : 100);
      }
      return append.finish();
    }
  }

  private byte[] readUpload(long from, long to) throws IOException {
    try (InputStream in = client.readUpload(server.address(), ID, from, to)) {
      return in.readAllBytes();
    }
  }
}
