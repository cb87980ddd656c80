package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data server's stores on a disk with no room above the reserve: every new write is refused
 * with {@code INSUFFICIENT_STORAGE}, before anything is written, and what is stored stays
 * readable.
 */
class FullDiskTest {
  private static final Striping STRIPING = new Striping(4, 2, 100);
  private static final byte[] SHARD = TestData.randomBytes(250, 3);
  private static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));

  @TempDir
  Path root;
  private final FakeClock clock = new FakeClock();

  @Test
  void aFullDiskTakesNoNewShardNorResumableAppendButServesWhatItHolds() throws IOException {
    try (ShardStore roomy = open(DiskRoom.of(root, 0, clock))) {
      try (ShardUpload upload = roomy.create(1, STRIPING)) {
        for (int at = 0; at < SHARD.length; at += 100) { // a block a chunk
          upload.append(SHARD, at, Math.min(100, SHARD.length - at));
        }
        upload.commit(HASH, 1000);
      }
    }
    try (ShardStore full = open(DiskRoom.of(root, Long.MAX_VALUE, clock))) {
      assertNoRoom(() -> full.create(0, STRIPING), "no room for shard 0 of " + STRIPING);
      assertNoRoom(() -> full.resumable().append("0123456789abcdef0123456789abcdef.0",
          ShardLayout.of(STRIPING, 1000), FakeClock.START.plus(Duration.ofHours(1)), 0),
          "no room for resumable upload 0123456789abcdef0123456789abcdef.0");
      try (ShardFile file = full.open(new ShardId(HASH, 1)).orElseThrow()) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        file.copyBlocks(0, file.layout().blockCount(), read);
        assertArrayEquals(SHARD, read.toByteArray());
      }
      assertEquals(1, full.list(Optional.empty(), 10).size(), "nothing else is kept");
    }
  }

  @Test
  void aFullDiskTakesNoNewTemporaryObject() throws IOException {
    try (ContentStore full = ContentStore.onDisk(root, clock, Duration.ofHours(1), 4,
        ShardStore.DEFAULT_HOLD_FOR, DiskRoom.of(root, Long.MAX_VALUE, clock))) {
      assertNoRoom(() -> full.createTemp(OptionalLong.empty()), "no room for a temporary object");
    }
  }

  private ShardStore open(DiskRoom room) throws IOException {
    return ShardStore.onDisk(root, 4, clock, ShardStore.DEFAULT_HOLD_FOR, true, room);
  }

  private static void assertNoRoom(Executable write, String message) {
    OstoreException e = assertThrows(OstoreException.class, write);
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code());
    assertEquals(message, e.getMessage().substring(0, message.length()), e.getMessage());
  }
}
