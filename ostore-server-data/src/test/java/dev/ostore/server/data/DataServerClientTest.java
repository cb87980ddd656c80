package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.bus.MessageBus;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataServerClient} against a real data server on a loopback port. */
@Timeout(30)
class DataServerClientTest {
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** Shards of 3 blocks (100, 100, 50 bytes). */
  static final ShardLayout LAYOUT = new ShardLayout(4, 2, 100, 1000);

  @TempDir
  Path root;
  MessageBus bus;
  DataServer server;
  ExecutorService executor = Executors.newCachedThreadPool();
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  DataServerClient client;

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = DataServer.start(new DataServerConfig(new ServerAddress("127.0.0.1", 0), root,
        Optional.empty(), Duration.ofSeconds(5), Duration.ofHours(1),
        DataServerConfig.DEFAULT_STOP_TIMEOUT, 8), bus);
    client = DataServerClient.overHttp(Transfers.create(executor, scheduler,
        InstantSource.system(), Duration.ofSeconds(2), Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() {
    server.close();
    bus.close();
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void anUploadedShardReadsBackWholeAndByBlocks() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    byte[] bytes = randomBytes(250, 1);
    upload(id, bytes);
    assertArrayEquals(bytes, read(id, 0, 3));
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), read(id, 1, 2));
    assertArrayEquals(Arrays.copyOfRange(bytes, 200, 250), read(id, 2, 3));
    assertArrayEquals(new byte[0], read(id, 1, 1));
    upload(id, randomBytes(250, 2)); // stored already: accepted, the first kept
    assertArrayEquals(bytes, read(id, 0, 3));
  }

  @Test
  void aShardNotHeldIsNoSuchFile() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> client.read(server.address(), new ShardId(HASH, 0), 0, 1));
    assertTrue(e.getMessage().contains(HASH.hex() + ".0"), e.getMessage());
  }

  @Test
  void anUploadShortOfTheShardsLengthFailsAndStoresNothing() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    try (ShardWriter writer = client.upload(server.address(), id, LAYOUT)) {
      writer.stream().write(randomBytes(200, 3));
      IOException e = assertThrows(IOException.class, writer::finish);
      assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
    }
    assertThrows(NoSuchFileException.class, () -> client.read(server.address(), id, 0, 3));
  }

  @Test
  void anAbortedUploadStoresNothing() throws Exception {
    ShardId id = new ShardId(HASH, 3);
    try (ShardWriter writer = client.upload(server.address(), id, LAYOUT)) {
      writer.stream().write(randomBytes(200, 4));
      writer.abort();
      writer.abort();
    }
    assertThrows(NoSuchFileException.class, () -> client.read(server.address(), id, 0, 3));
    // The server sees the cut once its read fails; its temporary file then goes.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (filesUnder("temp") > 0) {
      assertTrue(System.nanoTime() < deadline, "the cut upload's file stayed");
      Thread.sleep(10);
    }
  }

  @Test
  void deleteSaysWhetherTheServerHeldTheShard() throws IOException {
    ShardId id = new ShardId(HASH, 4);
    upload(id, randomBytes(250, 5));
    assertTrue(client.delete(server.address(), id));
    assertFalse(client.delete(server.address(), id));
    assertThrows(NoSuchFileException.class, () -> client.read(server.address(), id, 0, 3));
  }

  @Test
  void anUnreachableServerFailsAtOnceNamingServerAndShard() throws IOException {
    ServerAddress nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = new ServerAddress("127.0.0.1", socket.getLocalPort());
    }
    ShardId id = new ShardId(HASH, 0);
    IOException e = assertThrows(IOException.class, () -> client.upload(nobody, id, LAYOUT));
    assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
  }

  @Test
  void aShardCorruptMidwayIsACutStreamNeverWrongBytes() throws IOException {
    ShardId id = new ShardId(HASH, 0);
    ShardLayout big = new ShardLayout(1, 0, 65536, 8 * 65536);
    byte[] bytes = randomBytes(8 * 65536, 6);
    try (ShardWriter writer = client.upload(server.address(), id, big)) {
      writer.stream().write(bytes);
      writer.finish();
    }
    Path file = root.resolve("shards").resolve(HASH.hex().substring(0, 2)).resolve(id.toString());
    byte[] stored = Files.readAllBytes(file);
    stored[stored.length - 10] ^= 1; // in the last block
    Files.write(file, stored);
    try (InputStream in = client.read(server.address(), id, 0, 8)) {
      assertThrows(IOException.class, in::readAllBytes);
    }
  }

  private void upload(ShardId id, byte[] bytes) throws IOException {
    try (ShardWriter writer = client.upload(server.address(), id, LAYOUT)) {
      writer.stream().write(bytes);
      writer.finish();
    }
  }

  private byte[] read(ShardId id, long from, long to) throws IOException {
    try (InputStream in = client.read(server.address(), id, from, to)) {
      return in.readAllBytes();
    }
  }

  private long filesUnder(String directory) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve(directory))) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
