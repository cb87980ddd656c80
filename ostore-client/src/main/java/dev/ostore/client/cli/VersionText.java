package dev.ostore.client.cli;

import dev.ostore.client.ObjectInfo;
import dev.ostore.client.ObjectVersion;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How the command line prints a version: {@code VERSION<TAB>SIZE<TAB>SHA256<TAB>NAME}, with the
 * base64 SHA-256 of the bytes, or {@code deleted} for a tombstone; with {@code --long}, when it was
 * written comes before the name ({@code 2026-12-05T04:31:22.123Z}, UTC, always to the
 * millisecond; to the second for {@code head}, which has only {@code Last-Modified}; {@code -}
 * when the server did not say). The name
 * comes last and no name holds a tab or a newline, so a line splits at its first tabs and shell
 * scripts can {@code IFS=$'\t' read -r version size hash name}, like the output of {@code
 * sha256sum}.
 */
final class VersionText {
  static final String DELETED = "deleted";
  /** The lines without the time, as scripts read them. */
  static final VersionText SHORT = new VersionText(false);
  /** The lines with the time, for {@code --long}. */
  static final VersionText LONG = new VersionText(true);

  /** A version's time, always to the millisecond: a fixed width, as the server writes it. */
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
  /** A head's time, from {@code Last-Modified}, which has whole seconds. */
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssX").withZone(ZoneOffset.UTC);

  private final boolean withTime;

  private VersionText(boolean withTime) {
    this.withTime = withTime;
  }

  String line(ObjectVersion version) {
    return line(version.version(), version.size(),
        version.isDeleted() ? DELETED : version.hash(), version.created().map(MILLIS::format),
        version.name());
  }

  String line(ObjectInfo info) {
    return line(info.version(), info.size(), info.hash(), info.lastModified().map(SECONDS::format),
        info.name());
  }

  private String line(long version, long size, String hash, Optional<String> written,
      String name) {
    String time = withTime ? written.orElse("-") + "\t" : "";
    return version + "\t" + size + "\t" + hash + "\t" + time + name;
  }
}
