/**
 * The ostore command-line client, {@code java -jar ostore-client.jar}: {@link
 * dev.ostore.client.cli.Main} parses the command line and runs put, get, head, delete, versions,
 * list, locate or bench through {@link dev.ostore.client.OstoreClient}.
 */
package dev.ostore.client.cli;
