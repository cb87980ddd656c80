package dev.ostore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.LogCapture;
import dev.ostore.OstoreException;
import dev.ostore.heartbeat.FakeClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DiskRoom}: the room above the reserve, read at most once a second, on a fake disk. */
class DiskRoomTest {
  private static final long RESERVE = 1_000;

  private final FakeClock clock = new FakeClock();
  /** The disk's usable bytes; negative: reading it fails. */
  private final AtomicLong usable = new AtomicLong(5_000);
  private final DiskRoom room = new DiskRoom("/srv/data", () -> {
    if (usable.get() < 0) {
      throw new IOException("statfs failed");
    }
    return usable.get();
  }, RESERVE, clock);

  @Test
  void theRoomIsTheUsableSpaceAboveTheReserve() throws OstoreException {
    assertEquals(4_000, room.free());
    room.check(() -> "shard 0");
  }

  @Test
  void belowTheReserveThereIsNoRoomAndAWriteIsRefusedSayingWhy() {
    usable.set(RESERVE - 1);
    assertEquals(0, room.free());
    OstoreException e = assertThrows(OstoreException.class,
        () -> room.check(() -> "shard 2 of x"));
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code());
    assertEquals("no room for shard 2 of x on this data server: less than its reserve of 1000"
        + " bytes (MIN_FREE_SPACE) is free on /srv/data", e.getMessage());
  }

  @Test
  void aReadingStandsForASecondThenTheDiskIsReadAgain() {
    assertEquals(4_000, room.free());
    usable.set(RESERVE);
    clock.advance(DiskRoom.REREAD.minusMillis(1));
    assertEquals(4_000, room.free(), "no statfs for every write");
    clock.advance(Duration.ofMillis(1));
    assertEquals(0, room.free());
  }

  @Test
  void aDiskThatCannotTellItsSpaceCountsAsHavingRoom() throws OstoreException {
    usable.set(-1);
    assertEquals(Long.MAX_VALUE, room.free());
    room.check(() -> "shard 0");
  }

  @Test
  void turningFullAndBackIsLoggedOnceEach() {
    try (LogCapture log = LogCapture.of(DiskRoom.class)) {
      room.free();
      usable.set(10);
      for (int i = 0; i < 3; i++) {
        clock.advance(DiskRoom.REREAD);
        room.free();
      }
      usable.set(RESERVE + 500);
      clock.advance(DiskRoom.REREAD);
      room.free();
      assertEquals(1, log.lines(Level.WARNING, "/srv/data is full").size(), log.records()
          .toString());
      assertEquals(1, log.lines(Level.INFO, "/srv/data has room again: 500 bytes").size());
    }
  }

  @Test
  void theRealDiskHasRoomAboveNoReserveAndNoneAboveAnImpossibleOne(@TempDir Path root) {
    assertTrue(DiskRoom.of(root, 0, clock).free() > 0);
    assertEquals(0, DiskRoom.of(root, Long.MAX_VALUE, clock).free());
  }

  @Test
  void aNegativeReserveIsRefused(@TempDir Path root) {
    assertThrows(IllegalArgumentException.class, () -> DiskRoom.of(root, -1, clock));
  }
}
