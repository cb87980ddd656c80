/**
 * The JDK-only Java SDK for ostore: {@link dev.ostore.client.OstoreClient} speaks the api server's
 * HTTP protocol, and {@link dev.ostore.client.OstoreClientException} and its subclasses say what
 * the server refused. The answers are the records {@link dev.ostore.client.ObjectVersion} (one
 * version of a name, from a put, a delete or a listing) and {@link dev.ostore.client.ObjectInfo}
 * (from a head); {@link dev.ostore.client.DigestMismatchException} says that bytes did not match
 * their SHA-256 on the way.
 *
 * <p>This package depends on nothing but the JDK (release 17), so an application that embeds it
 * gets no transitive dependency. The command-line client lives in {@code dev.ostore.client.cli}.
 */
package dev.ostore.client;
