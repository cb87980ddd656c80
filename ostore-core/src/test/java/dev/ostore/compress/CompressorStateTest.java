package dev.ostore.compress;

import static dev.ostore.compress.CompressingStreamTest.BLOCK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A {@link CompressingStream} stopped anywhere, its {@link CompressorState} kept as bytes and
 * taken up by a new stream, writes exactly the stored stream that one stream writing everything
 * does; and a state turns the stored bytes written so far back into the original ones.
 */
class CompressorStateTest {
  private static final Compression LEVEL_6 = new Compression(true, 6);

  @Test
  void streamsStoppedAndResumedAnywhereStoreWhatOneStreamStores() throws IOException {
    byte[][] contents = {TestData.jsonLines(9 * BLOCK + 777, 1),
        mixed(), TestData.randomBytes(6 * BLOCK + 5, 3), TestData.logLines(3000, 4)};
    for (byte[] content : contents) {
      CompressingStreamTest.Stored whole = CompressingStreamTest.store(content);
      // Cuts in the probe, at its edge, within and at block edges after it, and at the end.
      long[] cuts = {0, 1, 1000, 2 * BLOCK, 4 * BLOCK - 1, 4 * BLOCK, 4 * BLOCK + 1,
          5 * BLOCK + 300, 7 * BLOCK, content.length - 1, content.length};
      for (long cut : cuts) {
        if (cut > content.length) {
          continue;
        }
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        CompressorState state;
        try (CompressingStream first = CompressingStream.to(stored, Compression.DEFAULT,
            OptionalLong.of(content.length))) {
          first.write(content, 0, (int) cut);
          state = CompressorState.parse(first.state().bytes());
        }
        assertEquals(cut, state.original(), "original bytes at a cut at " + cut);
        assertEquals(stored.size(), state.stored(), "stored bytes at a cut at " + cut);
        assertArrayEquals(Arrays.copyOf(content, (int) cut), decode(state, stored.toByteArray()),
            "the original bytes back from a cut at " + cut);
        Optional<CompressedForm> form;
        try (CompressingStream rest = CompressingStream.resume(stored, state,
            OptionalLong.of(content.length))) {
          rest.write(content, (int) cut, content.length - (int) cut);
          form = rest.finish();
        }
        assertArrayEquals(whole.bytes(), stored.toByteArray(), "a stream cut at " + cut);
        assertEquals(whole.form(), form, "a stream cut at " + cut);
      }
    }
  }

  @Test
  void theLevelAndTheRuleTravelWithTheState() throws IOException {
    byte[] text = TestData.jsonLines(6 * BLOCK, 5);
    ByteArrayOutputStream straight = new ByteArrayOutputStream();
    try (CompressingStream in = CompressingStream.to(straight, LEVEL_6, OptionalLong.empty())) {
      in.write(text);
      in.finish();
    }
    ByteArrayOutputStream resumed = new ByteArrayOutputStream();
    CompressorState state;
    try (CompressingStream in = CompressingStream.to(resumed, LEVEL_6, OptionalLong.empty())) {
      in.write(text, 0, 5 * BLOCK + 10);
      state = in.state();
    }
    try (CompressingStream in = CompressingStream.resume(resumed, state, OptionalLong.empty())) {
      in.write(text, 5 * BLOCK + 10, BLOCK - 10);
      in.finish();
    }
    assertArrayEquals(straight.toByteArray(), resumed.toByteArray());
  }

  @Test
  void storedBytesCutShortOrCorruptAreRefused() throws IOException {
    byte[] text = TestData.jsonLines(6 * BLOCK, 6);
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    CompressorState state;
    try (CompressingStream in = CompressingStream.to(stored, Compression.DEFAULT,
        OptionalLong.of(text.length))) {
      in.write(text, 0, 11 * BLOCK / 2); // past the probe: five blocks stored
      state = in.state();
    }
    byte[] bytes = stored.toByteArray();
    assertTrue(bytes.length > 0 && state.stored() == bytes.length);
    assertThrows(CorruptBlockException.class,
        () -> decode(state, Arrays.copyOf(bytes, bytes.length - 1)));
    bytes[bytes.length / 2] ^= 1;
    assertThrows(CorruptBlockException.class, () -> decode(state, bytes));
  }

  @Test
  void bytesThatAreNoStateAreRefused() {
    byte[] state = CompressorState.start(Compression.DEFAULT).bytes();
    assertThrows(IllegalArgumentException.class,
        () -> CompressorState.parse(Arrays.copyOf(state, state.length - 1)));
    assertThrows(IllegalArgumentException.class,
        () -> CompressorState.parse(Arrays.copyOf(state, state.length + 1)));
    state[3] = 9;
    assertThrows(IllegalArgumentException.class, () -> CompressorState.parse(state));
  }

  /** Log lines, then random bytes: compressed by the probe, then blocks stored as they are. */
  private static byte[] mixed() {
    byte[] mixed = new byte[8 * BLOCK + 10];
    System.arraycopy(TestData.logLines(4 * BLOCK, 2), 0, mixed, 0, 4 * BLOCK);
    byte[] random = TestData.randomBytes(4 * BLOCK + 10, 7);
    System.arraycopy(random, 0, mixed, 4 * BLOCK, random.length);
    return mixed;
  }

  private static byte[] decode(CompressorState state, byte[] stored) throws IOException {
    ByteArrayOutputStream original = new ByteArrayOutputStream();
    state.decode(new ByteArrayInputStream(stored), original);
    return original.toByteArray();
  }
}
