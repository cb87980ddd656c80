package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * Which store a metadata database belongs to, and so where the content its versions name lives:
 * in a one-command store's own {@code STORAGE_ROOT} ({@link Kind#LOCAL}, one store, named by
 * {@code id}), or on the data servers of a cluster ({@link Kind#CLUSTER}, which any api server of
 * a cluster may serve). The first store to open a database records its identity there; later
 * opens by another store are refused, so no server serves versions whose content is elsewhere.
 */
public record StoreIdentity(Kind kind, String id) {
  /** Where a store keeps its content. */
  public enum Kind {
    /** In the data servers of a one-command store, under its {@code STORAGE_ROOT}. */
    LOCAL,
    /** On the data servers of a cluster, reached over its broker. */
    CLUSTER
  }

  public StoreIdentity {
    requireNonNull(kind, "kind");
    requireNonNull(id, "id");
    if (!id.matches("[0-9a-zA-Z-]{1,64}")) {
      throw new IllegalArgumentException("bad store id: " + id);
    }
  }

  /** The identity of an api server of a cluster: any cluster's metadata will do. */
  public static StoreIdentity cluster() {
    return new StoreIdentity(Kind.CLUSTER, UUID.randomUUID().toString());
  }

  /** The identity of the one-command store {@code id}. */
  public static StoreIdentity local(String id) {
    return new StoreIdentity(Kind.LOCAL, id);
  }

  /** Whether a store of this identity may serve metadata recorded as {@code recorded}'s. */
  boolean accepts(StoreIdentity recorded) {
    return kind == recorded.kind && (kind == Kind.CLUSTER || id.equals(recorded.id));
  }
}
