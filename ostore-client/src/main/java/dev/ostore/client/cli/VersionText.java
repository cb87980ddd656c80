package dev.ostore.client.cli;

import dev.ostore.client.ObjectInfo;
import dev.ostore.client.ObjectVersion;

/**
 * How the command line prints a version: {@code VERSION<TAB>SIZE<TAB>SHA256<TAB>NAME}, with the
 * base64 SHA-256 of the bytes, or {@code deleted} for a tombstone. The name comes last and no
 * name holds a tab or a newline, so a line splits at its first three tabs and shell scripts can
 * {@code IFS=$'\t' read -r version size hash name}, like the output of {@code sha256sum}.
 */
final class VersionText {
  static final String DELETED = "deleted";

  private VersionText() {}

  static String line(ObjectVersion version) {
    return line(version.version(), version.size(),
        version.isDeleted() ? DELETED : version.hash(), version.name());
  }

  static String line(ObjectInfo info) {
    return line(info.version(), info.size(), info.hash(), info.name());
  }

  private static String line(long version, long size, String hash, String name) {
    return version + "\t" + size + "\t" + hash + "\t" + name;
  }
}
