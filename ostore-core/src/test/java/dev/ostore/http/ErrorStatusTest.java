package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorStatusTest {
  @Test
  void mapsEachCodeToItsStatus() {
    Map<ErrorCode, Integer> expected = new EnumMap<>(Map.ofEntries(
        Map.entry(ErrorCode.BAD_REQUEST, 400),
        Map.entry(ErrorCode.STALLED, 408),
        Map.entry(ErrorCode.NOT_FOUND, 404),
        Map.entry(ErrorCode.CONFLICT, 409),
        Map.entry(ErrorCode.NO_DATA_SERVER, 503),
        Map.entry(ErrorCode.BUS_UNAVAILABLE, 503),
        Map.entry(ErrorCode.DATA_SERVER_UNREACHABLE, 502),
        Map.entry(ErrorCode.DATA_SERVER_FAILED, 502),
        Map.entry(ErrorCode.STORAGE_FAILED, 500),
        Map.entry(ErrorCode.INSUFFICIENT_STORAGE, 507),
        Map.entry(ErrorCode.METADATA_UNAVAILABLE, 503),
        Map.entry(ErrorCode.BUSY, 503),
        Map.entry(ErrorCode.STOPPING, 503),
        Map.entry(ErrorCode.RANGE_NOT_SATISFIABLE, 416),
        Map.entry(ErrorCode.FORBIDDEN, 403),
        Map.entry(ErrorCode.GONE, 410),
        Map.entry(ErrorCode.WRONG_OFFSET, 416),
        Map.entry(ErrorCode.CHECKSUM_MISMATCH, 460),
        Map.entry(ErrorCode.PRECONDITION_FAILED, 412),
        Map.entry(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415),
        Map.entry(ErrorCode.NOT_ACCEPTABLE, 406)));
    Map<ErrorCode, Integer> actual = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : ErrorCode.values()) {
      actual.put(code, ErrorStatus.of(code));
    }
    assertEquals(expected, actual, "a new code needs its status decided here too");
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyCodeIsAnErrorStatus(ErrorCode code) {
    int status = ErrorStatus.of(code);
    assertTrue(status >= 400 && status < 600, code + " -> " + status);
  }
}
