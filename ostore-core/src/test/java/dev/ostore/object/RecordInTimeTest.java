package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import org.junit.jupiter.api.Test;

/** A write slower than {@link StoredContent#RECORD_WITHIN} records nothing. */
class RecordInTimeTest {
  private static final ObjectName NAME = ObjectName.of("slow");

  @Test
  void aWriteWithinTheBoundIsRecorded() {
    long since = System.nanoTime() - StoredContent.RECORD_WITHIN.toNanos() / 2;
    assertDoesNotThrow(() -> StoredContent.checkInTime(since, NAME, "its shards were committed"));
  }

  @Test
  void aSlowerWriteIsRefusedSayingWhy() {
    long since = System.nanoTime() - StoredContent.RECORD_WITHIN.toNanos() - 1_000_000_000L;
    OstoreException refused = assertThrows(OstoreException.class,
        () -> StoredContent.checkInTime(since, NAME, "its shards were committed"));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, refused.code());
    assertTrue(refused.getMessage().startsWith("not recording slow: 61 s passed since its shards"
        + " were committed, more than 60 s"), refused.getMessage());
  }
}
