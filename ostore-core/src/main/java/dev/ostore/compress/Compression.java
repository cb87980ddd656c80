package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Whether an api server stores new content compressed, and at which gzip level: see
 * docs/decisions.md, "Compression". Content stored either way stays readable whatever the
 * setting, since how it is stored is recorded with it.
 */
public record Compression(boolean enabled, int level) {
  /** On, at level 1: the default of every api server. */
  public static final Compression DEFAULT = new Compression(true, BlockCodec.DEFAULT_GZIP_LEVEL);
  /** Off: content is stored as it comes. */
  public static final Compression OFF = new Compression(false, BlockCodec.DEFAULT_GZIP_LEVEL);

  public Compression {
    checkArgument(level >= 1 && level <= 9, "the compression level must be 1 to 9: %s", level);
  }

  @Override
  public String toString() {
    return enabled ? "gzip level " + level : "off";
  }
}
