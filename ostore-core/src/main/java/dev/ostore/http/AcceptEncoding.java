package dev.ostore.http;

import java.util.Locale;
import java.util.Optional;

/**
 * A request's {@code Accept-Encoding} (RFC 9110, section 12.5.3), read as far as ostore needs:
 * whether a body may be sent {@code gzip} or identity. Codings are matched without regard to
 * case, {@code x-gzip} as {@code gzip}, each with its quality value ({@code ;q=0} to {@code 1},
 * 1 when not given); {@code *} stands for every coding not listed. A coding is acceptable when
 * its quality is above 0; identity is acceptable unless {@code identity;q=0}, or {@code *;q=0}
 * without identity listed, says otherwise. An element that cannot be read is ignored.
 */
public final class AcceptEncoding {
  /** The header's name. */
  public static final String HEADER = "Accept-Encoding";

  /** How an answer is sent. */
  public enum Coding {
    /** {@code Content-Encoding: gzip}. */
    GZIP,
    /** As it is, without {@code Content-Encoding}. */
    IDENTITY,
    /** Neither is acceptable: a 406. */
    NONE
  }

  /** The quality of a coding not listed and not matched by {@code *}. */
  private static final double UNLISTED = -1;

  private final double gzip;
  private final double identity;

  private AcceptEncoding(double gzip, double identity) {
    this.gzip = gzip;
    this.identity = identity;
  }

  /** The header's value as a request sent it; none takes identity only. */
  public static AcceptEncoding of(Optional<String> header) {
    if (header.isEmpty()) {
      return new AcceptEncoding(0, UNLISTED);
    }
    double gzip = UNLISTED;
    double identity = UNLISTED;
    double any = UNLISTED;
    for (String element : header.get().split(",")) {
      String[] parts = element.split(";");
      String coding = parts[0].strip().toLowerCase(Locale.ROOT);
      double q = parts.length == 1 ? 1 : quality(parts[1]);
      if (coding.isEmpty() || parts.length > 2 || Double.isNaN(q)) {
        continue;
      }
      switch (coding) {
        case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
        case "identity" -> identity = q;
        case "*" -> any = q;
        default -> { }
      }
    }
    return new AcceptEncoding(gzip == UNLISTED ? Math.max(any, 0) : gzip,
        identity == UNLISTED ? any : identity);
  }

  /** Whether gzip is acceptable. */
  public boolean takesGzip() {
    return gzip > 0;
  }

  /** Whether identity is acceptable: unless {@code identity;q=0} or {@code *;q=0} says not. */
  public boolean takesIdentity() {
    return identity != 0;
  }

  /**
   * How to send a body that can be sent gzip when {@code gzipAvailable}, identity always: gzip
   * when acceptable and not ranked below identity, else identity when acceptable.
   */
  public Coding choose(boolean gzipAvailable) {
    if (gzipAvailable && takesGzip() && gzip >= identity) {
      return Coding.GZIP;
    }
    return takesIdentity() ? Coding.IDENTITY : Coding.NONE;
  }

  /** {@code q=0.5} and the like (RFC 9110, section 12.4.2); NaN when it is none. */
  private static double quality(String parameter) {
    String text = parameter.strip();
    if (!text.regionMatches(true, 0, "q=", 0, 2)) {
      return Double.NaN;
    }
    String value = text.substring(2);
    return value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?") ? Double.parseDouble(value)
        : Double.NaN;
  }
}
