package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.compress.CompressorState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A resumable upload as the metadata store keeps it: the object it will become ({@code name},
 * {@code size}, the {@code declared} hash if any), how it is laid out ({@code layout}, with shard
 * {@code i} on {@code servers[i]}, whose id is {@code serverIds[i]} when it sent one: a server
 * that comes back at another address is found by it), when it expires, and how far it got:
 * {@code stripes} whole stripes sent to the shards, except those that {@code failed}, and the
 * bytes of the unfinished stripe after them, the {@code tail}. Content stored compressed is
 * compressed as it arrives: the stripes and the tail are then of its stored stream, and {@code
 * compressor} tells where the compressor stood after the bytes held (absent for content stored
 * as it comes). The record owns {@code tail}: nobody changes it; records are equal when their
 * tails hold the same bytes.
 */
public record UploadRecord(String id, String name, long size, Optional<ContentHash> declared,
    String layout, List<ServerAddress> servers, List<Optional<ServerId>> serverIds,
    Instant expires, long stripes, byte[] tail, Optional<CompressorState> compressor,
    Set<Integer> failed) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  public UploadRecord {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(declared, "declared");
    requireNonNull(layout, "layout");
    requireNonNull(expires, "expires");
    requireNonNull(tail, "tail");
    requireNonNull(compressor, "compressor");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not an upload id (32 lowercase hex): " + id);
    }
    if (size < 0 || stripes < 0) {
      throw new IllegalArgumentException("negative size " + size + " or stripes " + stripes);
    }
    servers = List.copyOf(servers);
    serverIds = List.copyOf(serverIds);
    if (serverIds.size() != servers.size()) {
      throw new IllegalArgumentException(serverIds.size() + " server ids for "
          + servers.size() + " servers");
    }
    failed = Set.copyOf(failed);
    for (int index : failed) {
      if (index < 0 || index >= servers.size()) {
        throw new IllegalArgumentException("failed shard " + index + " of " + servers.size());
      }
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof UploadRecord that && id.equals(that.id) && name.equals(that.name)
        && size == that.size && declared.equals(that.declared) && layout.equals(that.layout)
        && servers.equals(that.servers) && serverIds.equals(that.serverIds)
        && expires.equals(that.expires)
        && stripes == that.stripes && Arrays.equals(tail, that.tail)
        && compressor.equals(that.compressor) && failed.equals(that.failed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, stripes, Arrays.hashCode(tail));
  }

  @Override
  public String toString() {
    return "upload " + id + " of " + name + " (" + size + " bytes, " + layout + " on " + servers
        + ", expires " + expires + "): " + stripes + " stripes and " + tail.length
        + " bytes held" + compressor.map(state -> " (" + state + ")").orElse("")
        + ", failed shards " + failed;
  }

  /** The name of the lease its writer holds while it appends. */
  public String leaseName() {
    return leaseName(id);
  }

  static String leaseName(String id) {
    return "upload/" + id;
  }

  /**
   * The same upload, got as far as {@code stripes} and {@code tail}, its compressor at {@code
   * compressor}, with {@code failed}.
   */
  public UploadRecord advanced(long stripes, byte[] tail, Optional<CompressorState> compressor,
      Set<Integer> failed) {
    return new UploadRecord(id, name, size, declared, layout, servers, serverIds, expires,
        stripes, tail, compressor, failed);
  }

  /** The same upload, its shards on {@code servers} now. */
  public UploadRecord on(List<ServerAddress> servers) {
    return new UploadRecord(id, name, size, declared, layout, servers, serverIds, expires,
        stripes, tail, compressor, failed);
  }
}
