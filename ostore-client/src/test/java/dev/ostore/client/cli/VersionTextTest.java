package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.client.ObjectInfo;
import dev.ostore.client.ObjectVersion;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lines {@code versions}, {@code list} and {@code head} print, with and without the time. */
class VersionTextTest {
  static final String HASH = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

  @Test
  void aVersionsTimeHasItsMillisecondsEvenWhenThereAreNone() {
    ObjectVersion atASecond = new ObjectVersion("notes.txt", 2, 12, HASH,
        Optional.of(Instant.parse("2026-12-05T04:31:22Z")));
    ObjectVersion later = new ObjectVersion("notes.txt", 3, 12, HASH,
        Optional.of(Instant.parse("2026-12-05T04:31:22.120Z")));
    assertEquals("2\t12\t" + HASH + "\t2026-12-05T04:31:22.000Z\tnotes.txt",
        VersionText.LONG.line(atASecond));
    assertEquals("3\t12\t" + HASH + "\t2026-12-05T04:31:22.120Z\tnotes.txt",
        VersionText.LONG.line(later));
    assertEquals("2\t12\t" + HASH + "\tnotes.txt", VersionText.SHORT.line(atASecond));
  }

  @Test
  void aHeadsTimeIsToTheSecondAndAnUnknownTimeIsADash() {
    ObjectInfo head = new ObjectInfo("notes.txt", 2, 12, HASH,
        Optional.of(Instant.parse("2026-12-05T04:31:22Z")));
    assertEquals("2\t12\t" + HASH + "\t2026-12-05T04:31:22Z\tnotes.txt",
        VersionText.LONG.line(head));
    assertEquals("1\t0\tdeleted\t-\tnotes.txt",
        VersionText.LONG.line(new ObjectVersion("notes.txt", 1, 0, "")));
  }
}
