package dev.ostore;

import static dev.ostore.Precondition.ifMatch;
import static dev.ostore.Precondition.ifNoneMatch;
import static dev.ostore.Precondition.ifUnmodifiedSince;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Precondition.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Precondition}: when a write's condition holds, and what a refusal says. */
class PreconditionTest {
  private static final ContentHash A = ContentHash.sha256("a".getBytes(UTF_8));
  private static final ContentHash B = ContentHash.sha256("b".getBytes(UTF_8));
  /** When the current content was written in the tables below. */
  private static final Instant WRITTEN = Instant.parse("2026-12-05T10:00:00.700Z");
  private static final Optional<Instant> AT = Optional.of(WRITTEN);

  /**
   * Whether each condition holds with nothing current, with A current and with B current: {@code
   * If-Match} needs current content it names, {@code If-None-Match} refuses current content it
   * names.
   */
  @Test
  void aConditionHoldsAsItsHeadersSay() {
    Object[][] table = {
        {Precondition.NONE, true, true, true},
        {ifMatch(Tags.ANY), false, true, true},
        {ifMatch(Tags.of(A)), false, true, false},
        {ifMatch(Tags.of()), false, false, false}, // tags of no content of ours name none
        {ifNoneMatch(Tags.ANY), true, false, false},
        {ifNoneMatch(Tags.of(A)), true, false, true},
        {new Precondition(Optional.of(Tags.of(A, B)), Optional.of(Tags.of(B)), Optional.empty()),
            false, true, false}};
    for (Object[] row : table) {
      Precondition condition = (Precondition) row[0];
      List<Boolean> holds = List.of(condition.holds(Optional.empty(), Optional.empty()),
          condition.holds(Optional.of(A), AT), condition.holds(Optional.of(B), AT));
      assertEquals(List.of(row[1], row[2], row[3]), holds, condition.toString());
    }
    assertTrue(Precondition.NONE.isNone());
    assertFalse(ifNoneMatch(Tags.ANY).isNone());
  }

  /**
   * {@code If-Unmodified-Since} holds when the current content was written within or before the
   * date's second, and when there is none; {@code If-Match}, when given, decides instead.
   */
  @Test
  void aDateHoldsToTheSecondAndGivesWayToIfMatch() {
    Instant second = Instant.parse("2026-12-05T10:00:00Z");
    assertTrue(ifUnmodifiedSince(second).holds(Optional.of(A), AT));
    assertTrue(ifUnmodifiedSince(second.plusSeconds(1)).holds(Optional.of(A), AT));
    assertFalse(ifUnmodifiedSince(second.minusSeconds(1)).holds(Optional.of(A), AT));
    assertTrue(ifUnmodifiedSince(second.minusSeconds(1)).holds(Optional.empty(), Optional.empty()));
    assertTrue(new Precondition(Optional.of(Tags.of(A)), Optional.empty(),
        Optional.of(second.minusSeconds(1))).holds(Optional.of(A), AT));
    assertFalse(new Precondition(Optional.empty(), Optional.of(Tags.of(A)),
        Optional.of(second)).holds(Optional.of(A), AT));
    assertFalse(ifUnmodifiedSince(second).isNone());
  }

  @Test
  void aRefusalSaysWhatIsCurrentAndWhichHeaderRefusedIt() {
    OstoreException missing =
        ifMatch(Tags.of(A)).refused("x", 0, Optional.empty(), Optional.empty());
    assertEquals(ErrorCode.PRECONDITION_FAILED, missing.code());
    assertEquals("object x does not exist, and If-Match asks for one that does",
        missing.getMessage());
    assertEquals("object x is at version 3 (ETag \"" + B.base64()
        + "\"), which If-Match does not name",
        ifMatch(Tags.of(A)).refused("x", 3, Optional.of(B), AT).getMessage());
    assertEquals("object x is at version 3 (ETag \"" + A.base64()
        + "\"), which If-None-Match (*) refuses",
        ifNoneMatch(Tags.ANY).refused("x", 3, Optional.of(A), AT).getMessage());
    assertEquals("object x is at version 3 (ETag \"" + A.base64()
        + "\"), which If-None-Match names",
        ifNoneMatch(Tags.of(A)).refused("x", 3, Optional.of(A), AT).getMessage());
    assertEquals("object x is at version 3 (ETag \"" + A.base64() + "\"), written at"
        + " 2026-12-05T10:00:00.700Z, after the If-Unmodified-Since date 2026-12-05T09:59:59Z",
        ifUnmodifiedSince(Instant.parse("2026-12-05T09:59:59Z"))
            .refused("x", 3, Optional.of(A), AT).getMessage());
  }

  @Test
  void starWithTagsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Tags(true, Set.of(A)));
  }
}
