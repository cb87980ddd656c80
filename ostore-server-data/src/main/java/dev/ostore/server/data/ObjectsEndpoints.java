package dev.ostore.server.data;

import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.Storage;
import dev.ostore.storage.StoredObject;
import dev.ostore.storage.Upload;
import java.io.IOException;
import java.io.OutputStream;

/** {@code PUT}, {@code GET} and {@code HEAD /objects/<name>} on this server's own disk. */
final class ObjectsEndpoints {
  static final String PREFIX = "/objects/";

  private final Storage storage;

  ObjectsEndpoints(Storage storage) {
    this.storage = storage;
  }

  void addTo(Routes.Builder routes) {
    routes.add("PUT", PREFIX, this::put)
        .add("GET", PREFIX, this::get)
        .add("HEAD", PREFIX, this::head);
  }

  /** Stores the body; only a body that arrived whole replaces the object. */
  private void put(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    try (Upload upload = storage.create(name.value())) {
      exchange.copyRequestBodyTo(upload, name);
      upload.commit();
    }
    exchange.respond(200, 0);
  }

  private void get(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    try (StoredObject object = storage.open(name.value()).orElseThrow(() -> notFound(name))) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      try (OutputStream out = exchange.respond(200, object.size())) {
        object.stream().transferTo(out);
      }
    }
  }

  private void head(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    long size = storage.size(name.value()).orElseThrow(() -> notFound(name));
    exchange.setHeader("Content-Type", "application/octet-stream");
    exchange.respond(200, size);
  }

  private static OstoreException notFound(ObjectName name) {
    return OstoreException.notFound("object " + name + " not found");
  }
}
