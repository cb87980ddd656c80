package dev.ostore;

import static dev.ostore.Precondition.ifMatch;
import static dev.ostore.Precondition.ifNoneMatch;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Precondition.Tags;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Precondition}: when a write's condition holds, and what a refusal says. */
class PreconditionTest {
  private static final ContentHash A = ContentHash.sha256("a".getBytes(UTF_8));
  private static final ContentHash B = ContentHash.sha256("b".getBytes(UTF_8));

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
        {new Precondition(Optional.of(Tags.of(A, B)), Optional.of(Tags.of(B))), false, true,
            false}};
    for (Object[] row : table) {
      Precondition condition = (Precondition) row[0];
      List<Boolean> holds = List.of(condition.holds(Optional.empty()),
          condition.holds(Optional.of(A)), condition.holds(Optional.of(B)));
      assertEquals(List.of(row[1], row[2], row[3]), holds, condition.toString());
    }
    assertTrue(Precondition.NONE.isNone());
    assertFalse(ifNoneMatch(Tags.ANY).isNone());
  }

  @Test
  void aRefusalSaysWhatIsCurrentAndWhichHeaderRefusedIt() {
    OstoreException missing = ifMatch(Tags.of(A)).refused("x", 0, Optional.empty());
    assertEquals(ErrorCode.PRECONDITION_FAILED, missing.code());
    assertEquals("object x does not exist, and If-Match asks for one that does",
        missing.getMessage());
    assertEquals("object x is at version 3 (ETag \"" + B.base64()
        + "\"), which If-Match does not name",
        ifMatch(Tags.of(A)).refused("x", 3, Optional.of(B)).getMessage());
    assertEquals("object x is at version 3 (ETag \"" + A.base64()
        + "\"), which If-None-Match (*) refuses",
        ifNoneMatch(Tags.ANY).refused("x", 3, Optional.of(A)).getMessage());
    assertEquals("object x is at version 3 (ETag \"" + A.base64()
        + "\"), which If-None-Match names",
        ifNoneMatch(Tags.of(A)).refused("x", 3, Optional.of(A)).getMessage());
  }

  @Test
  void starWithTagsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Tags(true, Set.of(A)));
  }
}
