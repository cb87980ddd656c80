package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metrics.CacheStats;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LatestVersionsTest {
  final LatestVersions latest = new LatestVersions();
  final AtomicInteger reads = new AtomicInteger();

  static Optional<Version> version(long number) {
    return Optional.of(new Version("a", number, 5, Optional.of(ContentHash.sha256(new byte[0])),
        Instant.EPOCH));
  }

  LatestVersions.Read reading(long number) {
    return () -> {
      reads.incrementAndGet();
      return version(number);
    };
  }

  @Test
  void aNameReadBeforeIsNotReadAgainUntilAWriteOfItEnds() throws Exception {
    assertEquals(version(1), latest.latest("a", reading(1)));
    assertEquals(version(1), latest.latest("a", reading(2)));
    assertEquals(1, reads.get());
    latest.forget("a");
    assertEquals(version(2), latest.latest("a", reading(2)));
    assertEquals(version(2), latest.latest("a", reading(3)));
    assertEquals(2, reads.get());
  }

  @Test
  void readsAnsweredFromMemoryAreHitsAndThoseOfTheDatabaseMisses() throws Exception {
    assertEquals(new CacheStats(0, 0, 0), latest.stats());
    latest.latest("a", reading(1));
    latest.latest("a", reading(1));
    latest.latest("b", reading(1));
    latest.latest("a", reading(1));
    assertEquals(new CacheStats(2, 2, 2), latest.stats());
    latest.forget("a");
    latest.latest("a", reading(2));
    assertEquals(new CacheStats(2, 3, 2), latest.stats());
    assertEquals(reads.get(), latest.stats().misses());
  }

  @Test
  void aReadThatAWriteOverlappedKeepsNothing() throws Exception {
    // The read saw version 1; a write of version 2 ended while it was under way.
    assertEquals(version(1), latest.latest("a", () -> {
      latest.forget("a");
      return version(1);
    }));
    assertEquals(version(2), latest.latest("a", reading(2)));
    assertEquals(1, reads.get());
  }

  @Test
  void aReadWhileAnotherOfTheSameNameIsUnderWayKeepsNothingOfItsOwn() throws Exception {
    assertEquals(version(1), latest.latest("a", () -> {
      // Started after the outer read, it may have seen a write the outer one did not.
      assertEquals(version(2), latest.latest("a", reading(2)));
      return version(1);
    }));
    assertEquals(version(1), latest.latest("a", reading(3)));
    assertEquals(1, reads.get(), "the outer read's version was kept; the inner one's was not");
  }

  @Test
  void aVersionAddedIsKeptSoThatTheFirstReadOfItAsksTheDatabaseNothing() throws Exception {
    latest.added(version(1).orElseThrow(), latest.mark());
    assertEquals(version(1), latest.latest("a", reading(2)));
    assertEquals(0, reads.get());
    assertEquals(new CacheStats(1, 0, 1), latest.stats());
  }

  @Test
  void aVersionAddedReplacesAnOlderOneKeptButNotANewerOne() throws Exception {
    latest.latest("a", reading(1));
    long second = latest.mark();
    long third = latest.mark();
    latest.added(version(3).orElseThrow(), third);
    // The write of version 2 committed first and ended last.
    latest.added(version(2).orElseThrow(), second);
    assertEquals(version(3), latest.latest("a", reading(4)));
    assertEquals(1, reads.get());
  }

  @Test
  void aVersionAddedIsNotKeptWhenANameWasForgottenSinceItsWriteBegan() throws Exception {
    latest.latest("a", reading(1));
    long mark = latest.mark();
    // A deletion or removal ended meanwhile: it may have removed the version added.
    latest.forget("b");
    latest.added(version(2).orElseThrow(), mark);
    assertEquals(version(3), latest.latest("a", reading(3)), "version 1 was forgotten too");
    assertEquals(2, reads.get());
  }

  @Test
  void aReadThatAnAddOverlappedKeepsNothingOfItsOwn() throws Exception {
    long mark = latest.mark();
    assertEquals(version(1), latest.latest("a", () -> {
      latest.added(version(2).orElseThrow(), mark);
      return version(1);
    }));
    assertEquals(version(2), latest.latest("a", reading(3)));
    assertEquals(0, reads.get());
  }

  @Test
  void aFailedReadKeepsNothing() throws Exception {
    assertThrows(OstoreException.class, () -> latest.latest("a", () -> {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "down");
    }));
    assertEquals(version(1), latest.latest("a", reading(1)));
    assertEquals(1, reads.get());
  }
}
