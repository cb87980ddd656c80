package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.heartbeat.LiveServers;

/** The errors for what cannot be found: an object, its content, or any data server at all. */
public final class Missing {
  private Missing() {}

  public static OstoreException object(String name) {
    return OstoreException.notFound("object " + name + " not found");
  }

  /** A name whose latest version is a tombstone: GET, HEAD and locate all say so. */
  public static OstoreException deleted(String name, long tombstone) {
    return OstoreException.notFound("object " + name + " was deleted at version " + tombstone);
  }

  /**
   * Content the metadata names but no live data server holds: either none is live (503), or the
   * holder is away or lost it (also 503: it may come back; the message says which).
   */
  public static OstoreException content(LiveServers live, ContentHash hash) {
    if (live.live().isEmpty()) {
      return noDataServer();
    }
    return new OstoreException(ErrorCode.NO_DATA_SERVER,
        "no live data server holds content " + hash.base64());
  }

  public static OstoreException noDataServer() {
    return new OstoreException(ErrorCode.NO_DATA_SERVER, "no data server is live");
  }
}
