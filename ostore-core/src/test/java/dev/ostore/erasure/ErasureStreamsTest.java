package dev.ostore.erasure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErasureStreamsTest {
  @ParameterizedTest
  @ValueSource(strings = {"4+2/1000", "10+4/7", "6+3/64", "1+0/3", "1+2/5", "4+2/65536"})
  void testRoundTrip_manySizes_withUpToMChunksLostPerStripe(String text) throws IOException {
    roundTrip(text, servers -> servers);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4+2/1000", "10+4/7", "1+2/5", "4+2/65536"})
  void testRoundTrip_fromASourceThatLendsItsChunks_neverWritesNorKeepsThem(String text)
      throws IOException {
    roundTrip(text, FakeShardServers::lending);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4+2/1000", "10+4/7", "1+2/5", "4+2/65536"})
  void testRoundTrip_toASinkThatKeepsTheChunksAndSwapsInOthers(String text) throws IOException {
    roundTrip(text, FakeShardServers::swapping);
  }

  /**
   * Objects of every size {@link #sizes} names written to servers set up by {@code mode}, then
   * read back losing up to m.
   */
  private static void roundTrip(String text, UnaryOperator<FakeShardServers> mode)
      throws IOException {
    Striping striping = Striping.parse(text);
    ErasureCode code = ErasureCode.reedSolomon(striping.dataShards(), striping.parityShards());
    Random random = new Random(text.hashCode());
    for (long size : sizes(striping, random)) {
      byte[] object = new byte[(int) size];
      random.nextBytes(object);
      FakeShardServers servers = mode.apply(new FakeShardServers(striping.dataShards()));
      try (OutputStream out = ErasureStreams.encoder(code, striping, servers)) {
        writeInRandomPieces(out, object, random);
      }
      assertEquals(striping.stripeCount(size), servers.stripes().size(), text + " " + size);
      long seed = random.nextLong();
      servers.losing(stripe -> randomLoss(striping, new Random(seed + stripe)));
      try (InputStream in = ErasureStreams.decoder(code, striping, size, servers)) {
        assertArrayEquals(object, readInRandomPieces(in, random), text + ", " + size + " bytes");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1+2/65536", "4+2/65536", "4+2/1000", "10+4/7", "1+0/3", "3+2/5"})
  void testEncodeWhole_givesTheShardsTheEncoderStreams(String text) throws IOException {
    Striping striping = Striping.parse(text);
    ErasureCode code = ErasureCode.reedSolomon(striping.dataShards(), striping.parityShards());
    Random random = new Random(text.hashCode());
    for (long size : sizes(striping, random)) {
      byte[] object = new byte[(int) size];
      random.nextBytes(object);
      ByteArrayOutputStream[] streamed = new ByteArrayOutputStream[striping.totalShards()];
      Arrays.setAll(streamed, i -> new ByteArrayOutputStream());
      try (OutputStream out = ErasureStreams.encoder(code, striping, (stripe, chunks, n) -> {
        for (int i = 0; i < chunks.length; i++) {
          streamed[i].write(chunks[i], 0, n);
        }
      })) {
        out.write(object);
      }
      byte[][] whole = ErasureStreams.encodeWhole(code, striping, object);
      assertEquals(striping.totalShards(), whole.length);
      for (int i = 0; i < whole.length; i++) {
        assertArrayEquals(streamed[i].toByteArray(), whole[i], text + ", " + size + " bytes, shard "
            + i);
      }
    }
  }

  @Test
  void testEncoder_singleStripe_givesTheReferenceShards() throws IOException {
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    Striping striping = Striping.parse("4+2/1048576");
    for (int length : new int[] {1, 5, 1000, 65537, 262147}) {
      FakeShardServers servers = new FakeShardServers(4);
      try (OutputStream out = ErasureStreams.encoder(code, striping, servers)) {
        out.write(ReedSolomonVectorTest.vectorData(length));
      }
      byte[][] expected = ReedSolomonVectorTest.dataShards(4, 2, length);
      for (int p = 4; p < 6; p++) {
        expected[p] = ReedSolomonVectorTest.referenceShard(4, 2, length, p);
      }
      assertEquals(1, servers.stripes().size());
      for (int i = 0; i < 6; i++) {
        assertArrayEquals(expected[i], servers.stripes().get(0)[i], length + " bytes, shard " + i);
      }
    }
  }

  @Test
  void testEncoder_stripesHaveTheChunkLengthsOfStriping() throws IOException {
    Striping striping = Striping.parse("4+2/10");
    FakeShardServers servers = new FakeShardServers(4);
    try (OutputStream out =
        ErasureStreams.encoder(ErasureCode.reedSolomon(4, 2), striping, servers)) {
      out.write(new byte[93]);
    }
    assertEquals(3, servers.stripes().size());
    for (int s = 0; s < 3; s++) {
      for (byte[] chunk : servers.stripes().get(s)) {
        assertEquals(striping.chunkLength(93, s), chunk.length);
      }
    }
  }

  @Test
  void testEmptyObject_handsNothing_andReadsEmpty() throws IOException {
    Striping striping = Striping.parse("4+2/65536");
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    FakeShardServers servers = new FakeShardServers(4);
    ErasureStreams.encoder(code, striping, servers).close();
    assertTrue(servers.stripes().isEmpty());
    try (InputStream in = ErasureStreams.decoder(code, striping, 0, servers)) {
      assertEquals(-1, in.read());
      assertEquals(-1, in.read(new byte[8], 0, 8));
    }
  }

  @Test
  void testDecoder_failsWhenTheSourceCannotFillK() throws IOException {
    Striping striping = Striping.parse("4+2/8");
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    byte[] object = new byte[100];
    new Random(1).nextBytes(object);
    for (boolean honest : new boolean[] {true, false}) {
      FakeShardServers servers = new FakeShardServers(4);
      try (OutputStream out = ErasureStreams.encoder(code, striping, servers)) {
        out.write(object);
      }
      // Stripe 1 has lost three shards: one more than 4+2 survives.
      servers.losing(stripe -> stripe == 1 ? Set.of(0, 4, 5) : Set.of());
      if (!honest) {
        servers.returningShort();
      }
      InputStream in = ErasureStreams.decoder(code, striping, object.length, servers);
      byte[] first = in.readNBytes(32);
      assertArrayEquals(Arrays.copyOf(object, 32), first, "stripe 0 is fine");
      IOException failure = assertThrows(IOException.class, in::read);
      if (!honest) {
        assertTrue(failure.getMessage().contains("need 4"), failure.getMessage());
      }
    }
  }

  @Test
  void testClosedStreams_refuseUse_andCloseTwice() throws IOException {
    Striping striping = Striping.parse("4+2/8");
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    FakeShardServers servers = new FakeShardServers(4);
    OutputStream out = ErasureStreams.encoder(code, striping, servers);
    out.write(new byte[5]);
    out.close();
    out.close();
    assertEquals(1, servers.stripes().size(), "a second close hands nothing more");
    assertThrows(IOException.class, () -> out.write(1));
    InputStream in = ErasureStreams.decoder(code, striping, 5, servers);
    in.close();
    in.close();
    assertThrows(IOException.class, in::read);
  }

  @Test
  void testEncoder_afterSinkFailure_refusesMore() throws IOException {
    Striping striping = Striping.parse("2+1/4");
    StripeSink broken = (stripe, chunks, length) -> {
      throw new IOException("server gone");
    };
    OutputStream out = ErasureStreams.encoder(ErasureCode.reedSolomon(2, 1), striping, broken);
    assertThrows(IOException.class, () -> out.write(new byte[8]));
    assertThrows(IOException.class, () -> out.write(new byte[1]));
    assertThrows(IOException.class, out::close);
  }

  @Test
  void testMismatchedCodeAndStriping_isRejected() {
    Striping striping = Striping.parse("4+2/8");
    ErasureCode code = ErasureCode.reedSolomon(6, 3);
    FakeShardServers servers = new FakeShardServers(4);
    assertThrows(IllegalArgumentException.class,
        () -> ErasureStreams.encoder(code, striping, servers));
    assertThrows(IllegalArgumentException.class,
        () -> ErasureStreams.decoder(code, striping, 1, servers));
  }

  /** 0, 1, k-1, around chunk and stripe boundaries up to three stripes, and a few random. */
  private static Set<Long> sizes(Striping s, Random random) {
    Set<Long> sizes = new TreeSet<>();
    long k = s.dataShards();
    for (long base : new long[] {0, 1, k - 1, k + 1, s.chunkSize(), s.stripeSize(),
        2 * s.stripeSize(), 3 * s.stripeSize()}) {
      for (long delta = -1; delta <= 1; delta++) {
        sizes.add(Math.max(0, base + delta));
      }
    }
    for (int i = 0; i < 5; i++) {
      sizes.add((long) random.nextInt((int) (4 * s.stripeSize())));
    }
    return sizes;
  }

  /** Up to m distinct shards, any of them data or parity. */
  private static Set<Integer> randomLoss(Striping s, Random random) {
    Set<Integer> lost = new HashSet<>();
    int count = random.nextInt(s.parityShards() + 1);
    while (lost.size() < count) {
      lost.add(random.nextInt(s.totalShards()));
    }
    return lost;
  }

  private static void writeInRandomPieces(OutputStream out, byte[] object, Random random)
      throws IOException {
    int at = 0;
    while (at < object.length) {
      if (random.nextInt(4) == 0) {
        out.write(object[at++]);
      } else {
        int n = Math.min(object.length - at, random.nextInt(3000));
        out.write(object, at, n);
        at += n;
      }
    }
  }

  private static byte[] readInRandomPieces(InputStream in, Random random) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[3000];
    while (true) {
      if (random.nextInt(50) == 0) {
        in.transferTo(read);
        break;
      } else if (random.nextInt(4) == 0) {
        int b = in.read();
        if (b == -1) {
          break;
        }
        read.write(b);
      } else {
        int offset = random.nextInt(10);
        int n = in.read(buffer, offset, random.nextInt(buffer.length - offset));
        if (n == -1) {
          break;
        }
        read.write(buffer, offset, n);
      }
    }
    assertEquals(-1, in.read(), "stays at the end");
    return read.toByteArray();
  }
}
