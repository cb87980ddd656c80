package dev.ostore.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metadata.MetadataStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upload tokens, {@code <id>.<expiry in epoch seconds>.<base64url HMAC-SHA256 of the two>}:
 * signed with a secret of 32 random bytes that the first api server to need it records in the
 * metadata store, so that every api server of the cluster accepts the tokens of the others, and
 * nothing is configured. A token names no address: it only names an upload of this cluster.
 */
final class UploadTokens {
  static final String SECRET = "upload-tokens";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Pattern TOKEN =
      Pattern.compile("([0-9a-f]{32})\\.([0-9]{1,18})\\.([A-Za-z0-9_-]{43})");

  /** What a good token says: the upload, and when it expires. */
  record Claim(String id, Instant expires) {}

  private final MetadataStore metadata;
  private volatile SecretKeySpec key;

  UploadTokens(MetadataStore metadata) {
    this.metadata = metadata;
  }

  String sign(String id, Instant expires) throws IOException {
    String claim = id + "." + expires.getEpochSecond();
    return claim + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(claim));
  }

  /**
   * What {@code token} says: {@code FORBIDDEN} unless this cluster signed it, {@code GONE} once
   * it expired by {@code now}.
   */
  Claim verify(String token, Instant now) throws IOException {
    Matcher matcher = TOKEN.matcher(token);
    if (!matcher.matches()) {
      throw forged();
    }
    String claim = matcher.group(1) + "." + matcher.group(2);
    if (!MessageDigest.isEqual(mac(claim), Base64.getUrlDecoder().decode(matcher.group(3)))) {
      throw forged();
    }
    Instant expires = Instant.ofEpochSecond(Long.parseLong(matcher.group(2)));
    if (!now.isBefore(expires)) {
      throw new OstoreException(ErrorCode.GONE, "upload " + token + " expired at " + expires);
    }
    return new Claim(matcher.group(1), expires);
  }

  private static OstoreException forged() {
    return new OstoreException(ErrorCode.FORBIDDEN,
        "this upload token was not issued by this cluster");
  }

  private byte[] mac(String claim) throws IOException {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key());
      return mac.doFinal(claim.getBytes(US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java has " + ALGORITHM, e);
    }
  }

  /** The cluster's key, read once: a race of two first readers still gets one secret. */
  private SecretKeySpec key() throws IOException {
    SecretKeySpec known = key;
    if (known == null) {
      byte[] candidate = new byte[32];
      new SecureRandom().nextBytes(candidate);
      known = new SecretKeySpec(metadata.secret(SECRET, candidate), ALGORITHM);
      key = known;
    }
    return known;
  }
}
