package dev.ostore;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * What a write asks of a name's current content before it changes the name: HTTP's {@code
 * If-Match} and {@code If-None-Match} (RFC 9110, section 13.1) on a {@code PUT} or {@code DELETE}.
 * The current content is that of the name's latest version, none when the name never existed or
 * its latest version is a tombstone. The metadata store checks it in the transaction that records
 * the write, so that no write in between can make it stale; {@code http.EntityTags} reads it.
 *
 * @param ifMatch the contents one of which must be current, if given
 * @param ifNoneMatch the contents none of which may be current, if given
 */
public record Precondition(Optional<Tags> ifMatch, Optional<Tags> ifNoneMatch) {
  /** No condition: the write goes ahead whatever is current. */
  public static final Precondition NONE = new Precondition(Optional.empty(), Optional.empty());

  public Precondition {
    requireNonNull(ifMatch, "ifMatch");
    requireNonNull(ifNoneMatch, "ifNoneMatch");
  }

  /** {@code If-Match} alone: the current content must be one {@code tags} names. */
  public static Precondition ifMatch(Tags tags) {
    return new Precondition(Optional.of(tags), Optional.empty());
  }

  /** {@code If-None-Match} alone: no current content may be one {@code tags} names. */
  public static Precondition ifNoneMatch(Tags tags) {
    return new Precondition(Optional.empty(), Optional.of(tags));
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
    return ifMatch.isEmpty() && ifNoneMatch.isEmpty();
  }

  /** Whether the condition holds when {@code current} is the name's current content. */
  public boolean holds(Optional<ContentHash> current) {
    if (ifMatch.isPresent() && (current.isEmpty() || !ifMatch.get().names(current.get()))) {
      return false;
    }
    return ifNoneMatch.isEmpty() || current.isEmpty() || !ifNoneMatch.get().names(current.get());
  }

  /**
   * The error of a write of {@code name} refused with {@code current} the content of its live
   * version {@code version}, or with no live version (empty): a 412 saying why.
   */
  public OstoreException refused(String name, long version, Optional<ContentHash> current) {
    String message;
    if (current.isEmpty()) {
      message = "object " + name + " does not exist, and If-Match asks for one that does";
    } else {
      String found = "object " + name + " is at version " + version + " (ETag \""
          + current.get().base64() + "\")";
      message = ifMatch.isPresent() && !ifMatch.get().names(current.get())
          ? found + ", which If-Match does not name"
          : found + ", which If-None-Match " + (ifNoneMatch.orElseThrow().any()
              ? "(*) refuses" : "names");
    }
    return new OstoreException(ErrorCode.PRECONDITION_FAILED, message);
  }
}
