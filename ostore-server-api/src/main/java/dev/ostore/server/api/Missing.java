package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import java.util.Set;

/** The errors for what cannot be found: an object, its content, or any data server at all. */
final class Missing {
  private Missing() {}

  static OstoreException object(String name) {
    return OstoreException.notFound("object " + name + " not found");
  }

  /** A name whose latest version is a tombstone: GET, HEAD and locate all say so. */
  static OstoreException deleted(String name, long tombstone) {
    return OstoreException.notFound("object " + name + " was deleted at version " + tombstone);
  }

  /**
   * Content the metadata names but no live data server holds: either none is live (503), or the
   * holder is away or lost it (also 503: it may come back; the message says which).
   */
  static OstoreException content(LiveServers live, ContentHash hash) {
    if (live.live().isEmpty()) {
      return noDataServer();
    }
    return new OstoreException(ErrorCode.NO_DATA_SERVER,
        "no live data server holds content " + hash.base64());
  }

  static OstoreException noDataServer() {
    return new OstoreException(ErrorCode.NO_DATA_SERVER, "no data server is live");
  }

  /** No data server took an upload: none is live, or each of {@code tried} could not. */
  static OstoreException noServerFor(Set<ServerAddress> tried, OstoreException last) {
    return tried.isEmpty() ? noDataServer() : new OstoreException(ErrorCode.NO_DATA_SERVER,
        "no data server could take the upload (tried " + tried + "); the last: "
            + last.getMessage());
  }
}
