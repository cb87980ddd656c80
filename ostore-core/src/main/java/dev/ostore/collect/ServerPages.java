package dev.ostore.collect;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Walks one data server's listing (of shards, whole copies, or what it holds away) a page at a
 * time, in key order, until a page comes short. A listing that cannot be read ends the walk of
 * that server only, told to {@code unreadable}; a failure while visiting a page ends the pass.
 */
final class ServerPages {
  private ServerPages() {}

  /** Fetches the page after a key (from the first when empty). */
  interface Fetch<K, T> {
    List<T> after(Optional<K> after) throws IOException;
  }

  /** Does what the pass does with one page. */
  interface Visit<T> {
    void page(List<T> page) throws IOException;
  }

  static <K, T> void walk(Fetch<K, T> fetch, Function<T, K> key, int pageSize,
      Consumer<Exception> unreadable, Visit<T> visit) throws IOException {
    Optional<K> after = Optional.empty();
    List<T> page;
    do {
      try {
        page = fetch.after(after);
      } catch (IOException | RuntimeException e) {
        unreadable.accept(e);
        return;
      }
      visit.page(page);
      after = page.isEmpty() ? after : Optional.of(key.apply(page.get(page.size() - 1)));
    } while (page.size() == pageSize);
  }
}
