package dev.ostore;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * What a write asks of a name's current content before it changes the name: HTTP's {@code
 * If-Match}, {@code If-None-Match} and {@code If-Unmodified-Since} (RFC 9110, section 13.1) on a
 * {@code PUT} or {@code DELETE}. The current content is that of the name's latest version, none
 * when the name never existed or its latest version is a tombstone. The metadata store checks it
 * in the transaction that records the write, so that no write in between can make it stale; {@code
 * http.ConditionalHeaders} reads it.
 *
 * @param ifMatch the contents one of which must be current, if given
 * @param ifNoneMatch the contents none of which may be current, if given
 * @param ifUnmodifiedSince the second by the end of which the current content must have been
 *     written, if given; not asked when {@code ifMatch} is, nor of a name with no current content
 */
public record Precondition(Optional<Tags> ifMatch, Optional<Tags> ifNoneMatch,
    Optional<Instant> ifUnmodifiedSince) {
  /** No condition: the write goes ahead whatever is current. */
  public static final Precondition NONE =
      new Precondition(Optional.empty(), Optional.empty(), Optional.empty());

  public Precondition {
    requireNonNull(ifMatch, "ifMatch");
    requireNonNull(ifNoneMatch, "ifNoneMatch");
    requireNonNull(ifUnmodifiedSince, "ifUnmodifiedSince");
  }

  /** {@code If-Match} alone: the current content must be one {@code tags} names. */
  public static Precondition ifMatch(Tags tags) {
    return new Precondition(Optional.of(tags), Optional.empty(), Optional.empty());
  }

  /** {@code If-None-Match} alone: no current content may be one {@code tags} names. */
  public static Precondition ifNoneMatch(Tags tags) {
    return new Precondition(Optional.empty(), Optional.of(tags), Optional.empty());
  }

  /**
   * {@code If-Unmodified-Since} alone: the current content, if any, must have been written
   * within or before the second {@code date} names.
   */
  public static Precondition ifUnmodifiedSince(Instant date) {
    return new Precondition(Optional.empty(), Optional.empty(), Optional.of(date));
  }

  /**
   * The contents an entity-tag list names: any current content ({@code *}), or those with these
   * hashes (tags that name no content of this store are left out: they match nothing).
   */
  public record Tags(boolean any, Set<ContentHash> hashes) {
    /** {@code *}. */
    public static final Tags ANY = new Tags(true, Set.of());

    /** The contents with these hashes. */
    public static Tags of(ContentHash... hashes) {
      return new Tags(false, Set.of(hashes));
    }

    public Tags {
      hashes = Set.copyOf(hashes);
      if (any && !hashes.isEmpty()) {
        throw new IllegalArgumentException("* names every content already: " + hashes);
      }
    }

    /** Whether the list names {@code current}, which exists. */
    boolean names(ContentHash current) {
      return any || hashes.contains(current);
    }
  }

  /** Whether this asks nothing. */
  public boolean isNone() {
    return ifMatch.isEmpty() && ifNoneMatch.isEmpty() && ifUnmodifiedSince.isEmpty();
  }

  /**
   * Whether the condition holds when {@code current} is the name's current content, written at
   * {@code written} (both empty when the name has none), in the order RFC 9110 evaluates them.
   */
  public boolean holds(Optional<ContentHash> current, Optional<Instant> written) {
    if (ifMatch.isPresent()) {
      if (current.isEmpty() || !ifMatch.get().names(current.get())) {
        return false;
      }
    } else if (modifiedSince(written)) {
      return false;
    }
    return ifNoneMatch.isEmpty() || current.isEmpty() || !ifNoneMatch.get().names(current.get());
  }

  /** Whether {@code If-Unmodified-Since} is asked and {@code written} is a later second. */
  private boolean modifiedSince(Optional<Instant> written) {
    return ifUnmodifiedSince.isPresent() && written.isPresent()
        && written.get().truncatedTo(ChronoUnit.SECONDS).isAfter(ifUnmodifiedSince.get());
  }

  /**
   * The error of a write of {@code name} refused with {@code current} the content of its live
   * version {@code version}, written at {@code written}, or with no live version (both empty): a
   * 412 saying why.
   */
  public OstoreException refused(String name, long version, Optional<ContentHash> current,
      Optional<Instant> written) {
    String message;
    if (current.isEmpty()) {
      message = "object " + name + " does not exist, and If-Match asks for one that does";
    } else {
      String found = "object " + name + " is at version " + version + " (ETag \""
          + current.get().base64() + "\")";
      if (ifMatch.isPresent() && !ifMatch.get().names(current.get())) {
        message = found + ", which If-Match does not name";
      } else if (ifMatch.isEmpty() && modifiedSince(written)) {
        message = found + ", written at " + written.get() + ", after the If-Unmodified-Since date "
            + ifUnmodifiedSince.get();
      } else {
        message = found + ", which If-None-Match " + (ifNoneMatch.orElseThrow().any()
            ? "(*) refuses" : "names");
      }
    }
    return new OstoreException(ErrorCode.PRECONDITION_FAILED, message);
  }
}
