package dev.ostore.object;

import dev.ostore.erasure.ErasureCode;
import dev.ostore.erasure.Striping;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The erasure codes of the layouts in use, made once each: a code holds its matrices. */
public final class Codes {
  private final Map<String, ErasureCode> codes = new ConcurrentHashMap<>();

  /** The code of {@code striping}'s data and parity shards. */
  public ErasureCode of(Striping striping) {
    return codes.computeIfAbsent(striping.dataShards() + "+" + striping.parityShards(),
        key -> ErasureCode.reedSolomon(striping.dataShards(), striping.parityShards()));
  }
}
