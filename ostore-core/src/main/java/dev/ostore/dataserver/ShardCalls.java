package dev.ostore.dataserver;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Calls to the data servers of several shards, made all at once and each waited for: how a
 * write's shards are finished or committed together, so that a slow server costs its own time
 * only, and one that fails does not stop the others.
 */
public final class ShardCalls {
  private ShardCalls() {}

  /** One shard's call, which may fail. */
  public interface Call<T> {
    T call() throws IOException;
  }

  /** What became of each call, by shard index, in the order the calls were given. */
  public record Outcomes<T>(Map<Integer, T> done, Map<Integer, Throwable> failed) {}

  /** Runs every call of {@code calls} on {@code executor} and waits for them all. */
  public static <T> Outcomes<T> all(Map<Integer, Call<T>> calls, Executor executor) {
    Map<Integer, CompletableFuture<T>> running = new LinkedHashMap<>();
    calls.forEach((index, call) -> running.put(index, CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, executor)));
    Map<Integer, T> done = new LinkedHashMap<>();
    Map<Integer, Throwable> failed = new LinkedHashMap<>();
    running.forEach((index, call) -> {
      try {
        done.put(index, call.join());
      } catch (CompletionException e) {
        failed.put(index, e.getCause());
      }
    });
    return new Outcomes<>(done, failed);
  }
}
