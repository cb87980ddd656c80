package dev.ostore.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@link Heartbeat}'s forms on the bus: ostore's with its room, before it, and the reference's. */
class HeartbeatTest {
  private static final ServerAddress A = new ServerAddress("10.0.0.5", 12345);
  private static final ServerId X = ServerId.parse("11111111111111111111111111111111");

  @Test
  void anOstoreHeartbeatSaysItsAddressIdAndRoom() {
    Heartbeat beat = new Heartbeat(A, X, 4096);
    assertEquals("{\"Addr\":\"10.0.0.5:12345\",\"Id\":\"11111111111111111111111111111111\","
        + "\"Free\":4096}", beat.toJson());
    assertEquals(beat, Heartbeat.parse(beat.toJson()));
    assertFalse(beat.full());
    assertTrue(new Heartbeat(A, X, 0).full());
  }

  @Test
  void aHeartbeatFromBeforeTheRoomWasSentSaysNothingOfIt() {
    Heartbeat beat = Heartbeat.parse(
        "{\"Addr\":\"10.0.0.5:12345\",\"Id\":\"11111111111111111111111111111111\"}");
    assertEquals(new Heartbeat(A, X), beat);
    assertEquals(OptionalLong.empty(), beat.free());
    assertFalse(beat.full(), "a server that does not say is not taken for full");
  }

  @Test
  void aReferenceServersHeartbeatIsItsAddressAlone() {
    Heartbeat beat = Heartbeat.parse("\"10.0.0.5:12345\"");
    assertEquals(new Heartbeat(A, Optional.empty()), beat);
    assertEquals("\"10.0.0.5:12345\"", beat.toJson());
  }

  @Test
  void aRoomThatIsNotACountOfBytesIsRefused() {
    String id = "\"Id\":\"11111111111111111111111111111111\"";
    assertThrows(IllegalArgumentException.class, () -> Heartbeat.parse(
        "{\"Addr\":\"10.0.0.5:12345\"," + id + ",\"Free\":\"lots\"}"));
    assertThrows(IllegalArgumentException.class, () -> Heartbeat.parse(
        "{\"Addr\":\"10.0.0.5:12345\"," + id + ",\"Free\":-1}"));
    assertThrows(IllegalArgumentException.class,
        () -> new Heartbeat(A, Optional.empty(), OptionalLong.of(5)), "room without an id");
  }
}
