/**
 * The JDK-only Java SDK for ostore: {@link dev.ostore.client.OstoreClient} speaks the api server's
 * HTTP protocol, and {@link dev.ostore.client.OstoreClientException} and its subclasses say what
 * the server refused. Most users need only those two and {@link dev.ostore.client.ObjectInfo}.
 *
 * <p>This package depends on nothing but the JDK (release 17), so an application that embeds it
 * gets no transitive dependency. The command-line client lives in {@code dev.ostore.client.cli}.
 */
package dev.ostore.client;
