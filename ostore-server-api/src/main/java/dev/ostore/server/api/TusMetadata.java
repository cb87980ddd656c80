package dev.ostore.server.api;

import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * tus' {@code Upload-Metadata}: comma-separated pairs of a key and its value in base64, {@code
 * filename d29ybGQucGRm,is_confidential}, and the object name a tus upload takes from it: its
 * {@code name} key, else its {@code filename} key, which tus-java-client sends on its own and
 * tus-js-client's examples pass. Read strictly: whatever is malformed is a 400 saying what.
 */
final class TusMetadata {
  static final String HEADER = "Upload-Metadata";
  private static final String NAME = "name";
  private static final String FILENAME = "filename";

  /** The characters of a refused name an error shows at most. */
  private static final int MAX_SHOWN = 256;

  private TusMetadata() {}

  /** The object a tus upload creates, named by the {@code Upload-Metadata} of its creation. */
  static ObjectName objectName(Optional<String> header) throws OstoreException {
    Map<String, byte[]> entries = header.isPresent() ? parse(header.get()) : Map.of();
    String key = entries.containsKey(NAME) ? NAME : FILENAME;
    byte[] value = entries.get(key);
    if (value == null) {
      throw OstoreException.badRequest("a tus upload names its object in " + HEADER + ": "
          + NAME + " <the name in base64> (or " + FILENAME + ")");
    }
    String name;
    try {
      name = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw OstoreException.badRequest("bad object name: the " + key + " in " + HEADER
          + " is not UTF-8");
    }
    try {
      return ObjectName.of(name);
    } catch (IllegalArgumentException e) {
      // Named, as the path names the object of a PUT refused so: the log says which it was.
      String shown = name.length() <= MAX_SHOWN ? name : name.substring(0, MAX_SHOWN) + "...";
      throw OstoreException.badRequest("bad object name \"" + shown + "\": " + e.getMessage());
    }
  }

  /** The metadata that tells which object an upload makes: its {@code name} alone. */
  static String of(ObjectName name) {
    return NAME + " " + Base64.getEncoder().encodeToString(
        name.value().getBytes(StandardCharsets.UTF_8));
  }

  /** The keys and decoded values of a header, in its order. */
  private static Map<String, byte[]> parse(String header) throws OstoreException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String pair : header.split(",", -1)) {
      String[] parts = pair.strip().split(" ", -1);
      String key = parts[0];
      if (key.isEmpty() || parts.length > 2) {
        throw OstoreException.badRequest("malformed " + HEADER + ": each pair is a key, a space"
            + " and a base64 value: " + pair.strip());
      }
      byte[] value;
      try {
        value = parts.length == 2 ? Base64.getDecoder().decode(parts[1]) : new byte[0];
      } catch (IllegalArgumentException e) {
        throw OstoreException.badRequest("malformed " + HEADER + ": the value of " + key
            + " is not base64");
      }
      if (entries.put(key, value) != null) {
        throw OstoreException.badRequest("malformed " + HEADER + ": " + key + " is given twice");
      }
    }
    return entries;
  }
}
