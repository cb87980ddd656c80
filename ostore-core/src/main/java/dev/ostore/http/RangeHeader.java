package dev.ostore.http;

import dev.ostore.ByteRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code Range} header (RFC 9110, section 14.2) asks of a representation of known size,
 * as a GET takes it: nothing ({@link Kind#WHOLE}, the header ignored: absent, malformed, of
 * another unit, or too many parts), some bytes ({@link Kind#PARTIAL}: the satisfiable ranges,
 * those that overlap or lie closer than a part's own headers merged, in ascending order), or no
 * byte that exists ({@link Kind#UNSATISFIABLE}). A zero-length representation has no byte to
 * send, so a suffix range of it, satisfiable in the RFC's terms, is answered whole.
 */
public record RangeHeader(Kind kind, List<ByteRange> ranges) {
  /** How a GET answers the header. */
  public enum Kind { WHOLE, PARTIAL, UNSATISFIABLE }

  /** More parts than this after merging is taken for abuse, and the header ignored. */
  public static final int MAX_PARTS = 64;
  /** Ranges this close are merged: about what a part's boundary and headers cost. */
  static final long MERGE_GAP = 80;

  private static final Pattern SPEC = Pattern.compile("([0-9]*)-([0-9]*)");
  private static final RangeHeader WHOLE = new RangeHeader(Kind.WHOLE, List.of());
  private static final RangeHeader UNSATISFIABLE = new RangeHeader(Kind.UNSATISFIABLE, List.of());

  public RangeHeader {
    ranges = List.copyOf(ranges);
  }

  /** What {@code header} asks of a representation of {@code size} bytes. */
  public static RangeHeader of(Optional<String> header, long size) {
    if (header.isEmpty()) {
      return WHOLE;
    }
    String text = header.get().trim();
    int equals = text.indexOf('=');
    if (equals < 0 || !text.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return WHOLE;
    }
    List<ByteRange> satisfiable = new ArrayList<>();
    boolean any = false;
    for (String element : text.substring(equals + 1).split(",", -1)) {
      String spec = element.trim();
      if (spec.isEmpty()) {
        continue; // an empty list element, which a recipient ignores
      }
      Matcher matcher = SPEC.matcher(spec);
      if (!matcher.matches() || matcher.group(1).isEmpty() && matcher.group(2).isEmpty()
          || !matcher.group(1).isEmpty() && !matcher.group(2).isEmpty()
          && decimal(matcher.group(2)) < decimal(matcher.group(1))) {
        return WHOLE; // malformed, or last-pos before first-pos: the whole header is invalid
      }
      Optional<ByteRange> range = matcher.group(1).isEmpty()
          ? suffix(matcher.group(2), size)
          : span(matcher.group(1), matcher.group(2), size);
      any = true;
      range.ifPresent(satisfiable::add);
    }
    if (!any) {
      return WHOLE;
    }
    if (satisfiable.isEmpty()) {
      return UNSATISFIABLE;
    }
    if (size == 0) {
      return WHOLE;
    }
    List<ByteRange> merged = merge(satisfiable);
    return merged.size() > MAX_PARTS ? WHOLE : new RangeHeader(Kind.PARTIAL, merged);
  }

  /** {@code Content-Range} of a part: {@code bytes first-last/size}. */
  public static String contentRange(ByteRange range, long size) {
    return "bytes " + range.from() + "-" + (range.to() - 1) + "/" + size;
  }

  /** {@code Content-Range} of a 416: {@code bytes *}{@code /size}. */
  public static String unsatisfied(long size) {
    return "bytes */" + size;
  }

  /** {@code first-[last]}, cut at the end; empty when it starts past it. */
  private static Optional<ByteRange> span(String first, String last, long size) {
    long from = decimal(first);
    long lastByte = last.isEmpty() ? Long.MAX_VALUE : decimal(last);
    if (from >= size) {
      return Optional.empty();
    }
    return Optional.of(new ByteRange(from, lastByte >= size - 1 ? size : lastByte + 1));
  }

  /** {@code -n}: the last n bytes, all of them when fewer; n = 0 is unsatisfiable. */
  private static Optional<ByteRange> suffix(String length, long size) {
    long n = decimal(length);
    return n == 0 ? Optional.empty() : Optional.of(new ByteRange(Math.max(0, size - n), size));
  }

  /** Digits as a number; more than a long holds is as good as infinite here. */
  private static long decimal(String digits) {
    String significant = digits.replaceFirst("^0+(?=.)", "");
    return significant.length() > 18 ? Long.MAX_VALUE : Long.parseLong(significant);
  }

  private static List<ByteRange> merge(List<ByteRange> ranges) {
    List<ByteRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(ByteRange::from));
    List<ByteRange> merged = new ArrayList<>();
    ByteRange current = sorted.get(0);
    for (ByteRange next : sorted.subList(1, sorted.size())) {
      if (next.from() <= current.to() + MERGE_GAP) {
        current = new ByteRange(current.from(), Math.max(current.to(), next.to()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged;
  }
}
