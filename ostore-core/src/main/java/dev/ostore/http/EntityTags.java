package dev.ostore.http;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The entity-tag lists of {@code If-Match} and {@code If-None-Match} (RFC 9110, sections 8.8.3 and
 * 13.1). A write's are read strictly ({@link ConditionalHeaders#ofWrite}): a malformed list is a
 * 400. {@code If-Match} compares tags strongly (a weak tag never matches), {@code If-None-Match}
 * weakly.
 */
public final class EntityTags {
  public static final String IF_MATCH = "If-Match";
  public static final String IF_NONE_MATCH = "If-None-Match";

  private EntityTags() {}

  /** One tag of a list: its opaque part with its quotes, and whether it was marked weak. */
  private record Tag(String quoted, boolean weak) {}

  /**
   * Whether the request's {@code header} names {@code etag}, the tag of the representation
   * chosen, or is {@code *}; false when the request has no such header, or a malformed one: a
   * read is safe, so that a client's odd header costs it a 200 or a 412, never a 400.
   */
  static boolean names(Exchange exchange, String header, String etag) {
    Optional<List<Tag>> tags;
    try {
      tags = read(exchange, header);
    } catch (OstoreException malformed) {
      return false;
    }
    if (tags.isEmpty()) {
      return false;
    }
    boolean weak = header.equals(IF_NONE_MATCH);
    for (Tag tag : tags.get()) {
      if (tag == null || (tag.quoted.equals(etag) && (weak || !tag.weak))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The contents a write's {@code header} names, strictly read: a tag names a content whether it
   * is the identity or the gzip one ({@link DigestHeaders#etag}, {@link DigestHeaders#gzipEtag}),
   * since both are of the same content; a tag of no form of ours names none.
   */
  static Optional<Precondition.Tags> contents(Exchange exchange, String header)
      throws OstoreException {
    Optional<List<Tag>> tags = read(exchange, header);
    if (tags.isEmpty()) {
      return Optional.empty();
    }
    Set<ContentHash> hashes = new HashSet<>();
    for (Tag tag : tags.get()) {
      if (tag == null) {
        return Optional.of(Precondition.Tags.ANY);
      }
      if (tag.weak && header.equals(IF_MATCH)) {
        continue;
      }
      content(tag.quoted).ifPresent(hashes::add);
    }
    return Optional.of(new Precondition.Tags(false, hashes));
  }

  /** The content {@code "<base64>"} or {@code "<base64>-gzip"} names, if it is one of ours. */
  private static Optional<ContentHash> content(String quoted) {
    String opaque = quoted.substring(1, quoted.length() - 1);
    String base64 = opaque.endsWith("-gzip") ? opaque.substring(0, opaque.length() - 5) : opaque;
    if (base64.length() != 44 || !base64.endsWith("=")) {
      return Optional.empty();
    }
    try {
      return Optional.of(ContentHash.parse(base64));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The header's tags, {@code *} as a null tag; empty when the request has no such header. Every
   * field of that name counts, as one list.
   */
  private static Optional<List<Tag>> read(Exchange exchange, String header)
      throws OstoreException {
    List<String> fields = exchange.headers(header);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    List<Tag> tags = new ArrayList<>();
    for (String field : fields) {
      parse(header, field, tags);
    }
    return Optional.of(tags);
  }

  private static void parse(String header, String field, List<Tag> tags)
      throws OstoreException {
    if (field.strip().equals("*")) {
      tags.add(null);
      return;
    }
    int at = 0;
    boolean any = false;
    // Each tag starts where the list starts or after a comma (empty elements are allowed).
    boolean separated = true;
    while (true) {
      while (at < field.length() && (field.charAt(at) == ' ' || field.charAt(at) == '\t'
          || field.charAt(at) == ',')) {
        separated |= field.charAt(at) == ',';
        at++;
      }
      if (at == field.length()) {
        break;
      }
      boolean weak = field.startsWith("W/", at);
      int open = weak ? at + 2 : at;
      int close = open < field.length() && field.charAt(open) == '"'
          ? field.indexOf('"', open + 1) : -1;
      if (close < 0 || !separated) {
        throw OstoreException.badRequest("malformed " + header + " header: " + field
            + " (a list of quoted entity tags, or *)");
      }
      tags.add(new Tag(field.substring(open, close + 1), weak));
      any = true;
      at = close + 1;
      separated = false;
    }
    if (!any) {
      throw OstoreException.badRequest("empty " + header + " header");
    }
  }
}
