package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.ByteRange;
import dev.ostore.http.RangeHeader.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangeHeaderTest {
  static final long SIZE = 10_000;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bytes=0-499        | 0   | 500",
      "bytes=500-999      | 500 | 1000",
      "bytes=9500-        | 9500| 10000",
      "bytes=-500         | 9500| 10000",
      "bytes=0-0          | 0   | 1",
      "bytes=-1           | 9999| 10000",
      "bytes=9999-        | 9999| 10000",
      "bytes=9000-20000   | 9000| 10000",
      "bytes=-20000       | 0   | 10000",
      "BYTES=1-2          | 1   | 3",
      "bytes= 1-2 ,       | 1   | 3",
      "bytes=007-010      | 7   | 11",
      "bytes=0-99999999999999999999999 | 0 | 10000"})
  void oneRangeIsThoseBytesCutAtTheEnd(String header, long from, long to) {
    assertEquals(new RangeHeader(Kind.PARTIAL, List.of(new ByteRange(from, to))),
        RangeHeader.of(Optional.of(header), SIZE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=10000-", "bytes=10000-10005", "bytes=-0",
      "bytes=99999999999999999999999-", "bytes=10001-, -0"})
  void rangesOfNoByteThatExistsAreUnsatisfiable(String header) {
    assertEquals(Kind.UNSATISFIABLE, RangeHeader.of(Optional.of(header), SIZE).kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=5-4", "bytes=-", "bytes=a-b", "bytes=1-2-3", "bytes=+1-2",
      "bytes=0x10-", "bytes=1.5-2", "items=0-5", "bytes", "bytes=", "bytes=,", "0-5",
      "bytes=0-5, 9-8", "bytes=--5", "bytes=٣-٤"})
  void malformedHeadersAreIgnored(String header) {
    assertEquals(Kind.WHOLE, RangeHeader.of(Optional.of(header), SIZE).kind());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bytes=0-0,-1                   | 0-1,9999-10000",
      "bytes=-1, 0-0                  | 0-1,9999-10000",
      "bytes=500-600,601-999          | 500-1000",
      "bytes=500-700,601-999          | 500-1000",
      "bytes=0-10,50-60               | 0-61",
      "bytes=0-10,200-210,20000-      | 0-11,200-211",
      "bytes=100-199,0-9              | 0-10,100-200"})
  void severalRangesAreMergedWhenCloseAndSortedOtherwise(String header, String expected) {
    List<ByteRange> ranges = Arrays.stream(expected.split(","))
        .map(span -> new ByteRange(Long.parseLong(span.split("-")[0]),
            Long.parseLong(span.split("-")[1])))
        .toList();
    assertEquals(new RangeHeader(Kind.PARTIAL, ranges), RangeHeader.of(Optional.of(header), SIZE));
  }

  @Test
  void tooManyPartsAreIgnored() {
    StringBuilder header = new StringBuilder("bytes=");
    for (int i = 0; i <= RangeHeader.MAX_PARTS; i++) {
      header.append(i * 100).append('-').append(i * 100).append(',');
    }
    assertEquals(Kind.WHOLE, RangeHeader.of(Optional.of(header.toString()), SIZE).kind());
    assertEquals(Kind.WHOLE, RangeHeader.of(Optional.empty(), SIZE).kind());
  }

  @Test
  void anEmptyRepresentationHasNoRangeToSend() {
    assertEquals(Kind.UNSATISFIABLE, RangeHeader.of(Optional.of("bytes=0-"), 0).kind());
    assertEquals(Kind.WHOLE, RangeHeader.of(Optional.of("bytes=-5"), 0).kind());
  }

  @Test
  void contentRangesNameTheLastByteAndTheSize() {
    assertEquals("bytes 0-499/10000", RangeHeader.contentRange(new ByteRange(0, 500), SIZE));
    assertEquals("bytes */10000", RangeHeader.unsatisfied(SIZE));
  }
}
