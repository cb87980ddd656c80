package dev.ostore.server.api;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.heartbeat.LiveServers;

/** Why an object was not found: no data server to ask (503), or none of them has it (404). */
final class Missing {
  private Missing() {}

  static OstoreException object(LiveServers live, ObjectName name) {
    if (live.live().isEmpty()) {
      return noDataServer();
    }
    return OstoreException.notFound("object " + name + " not found");
  }

  static OstoreException noDataServer() {
    return new OstoreException(ErrorCode.NO_DATA_SERVER, "no data server is live");
  }
}
