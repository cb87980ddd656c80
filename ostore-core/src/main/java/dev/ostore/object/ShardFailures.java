package dev.ostore.object;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why the shards of one write that did not make it failed, by index, and the error of a write
 * left short of its quorum: {@code BUSY} when the servers that failed all refused as busy or
 * full and one as busy (so that the client retries later), {@code INSUFFICIENT_STORAGE} when
 * they all refused as full, else {@code DATA_SERVER_FAILED}. One thread uses it.
 */
final class ShardFailures {
  private static final Logger log = System.getLogger(ShardFailures.class.getName());

  /** By index: the lowest is the one an error names. */
  private final TreeMap<Integer, String> reasons = new TreeMap<>();
  /** Whether a server refused a shard as busy or as full, and whether one failed otherwise. */
  private boolean refusedBusy;
  private boolean refusedFull;
  private boolean failedOtherwise;
  /** The last server's refusal, which a shard left without a server names. */
  private String lastRefusal;

  /**
   * {@code server} would not take shard {@code index} of {@code what}: recorded, and a server
   * found unreachable is no longer offered shards until it is heard from again.
   */
  void refused(LiveServers live, int index, ServerAddress server, IOException e, Object what) {
    if (e instanceof OstoreException o && o.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
      live.dropUntilHeard(server);
    }
    record(index, server, e);
    lastRefusal = reasons.get(index);
    log.log(WARNING, () -> "cannot store a shard of " + what + " on " + server + ": "
        + e.getMessage());
  }

  /**
   * Shard {@code index} found a server after others refused it: it did make it, so neither the
   * log's list of missing shards nor repair should hear of it.
   */
  void placed(int index) {
    reasons.remove(index);
  }

  /** Shard {@code index} of {@code what} failed on {@code server} once under way. */
  void failed(int index, ServerAddress server, Throwable e, Object what) {
    record(index, server, e);
    log.log(WARNING, () -> "shard " + index + " of " + what + " failed on " + server + ": "
        + e.getMessage());
  }

  /** Shard {@code index} found no server to go to, unless it failed on one already. */
  void noServerLeft(int index) {
    reasons.putIfAbsent(index, "no data server left to take it" + (lastRefusal == null ? ""
        : " (the last to refuse one: " + lastRefusal + ")"));
  }

  /** The shards that did not make it, by index, with why: repair puts them back. */
  Map<Integer, String> reasons() {
    return Map.copyOf(reasons);
  }

  /**
   * The error of a write of {@code what} as {@code striping} with {@code left} shards stored. It
   * names the first shard's failure only, and how many more there were: each was logged as it
   * happened, and six of them in one line, each with a path, made a message no one reads.
   */
  OstoreException shortOfQuorum(Object what, Striping striping, int left, int quorum) {
    ErrorCode code = failedOtherwise ? ErrorCode.DATA_SERVER_FAILED
        : refusedBusy ? ErrorCode.BUSY
        : refusedFull ? ErrorCode.INSUFFICIENT_STORAGE
        : ErrorCode.DATA_SERVER_FAILED;
    Map.Entry<Integer, String> first = reasons.firstEntry();
    String why = first == null ? "" : " (shard " + first.getKey() + ": " + first.getValue()
        + (reasons.size() > 1 ? "; and " + (reasons.size() - 1)
            + " more, each in the api server's log" : "") + ")";
    return new OstoreException(code, "cannot store " + what + ": "
        + left + " of its " + striping.totalShards() + " shards could be stored, "
        + quorum + " needed" + why);
  }

  private void record(int index, ServerAddress server, Throwable e) {
    reasons.put(index, server + ": " + e.getMessage());
    ErrorCode code = e instanceof OstoreException o ? o.code() : ErrorCode.DATA_SERVER_FAILED;
    switch (code) {
      case BUSY -> refusedBusy = true;
      case INSUFFICIENT_STORAGE -> refusedFull = true;
      default -> failedOtherwise = true;
    }
  }
}
