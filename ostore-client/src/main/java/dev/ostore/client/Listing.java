package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A listing read one page at a time, as the caller consumes it: only the current page is held,
 * and the next is asked for, with the {@code Next-Cursor} of the last, when it is used up. It
 * ends only when a page comes without a cursor, so it never stops silently short of the end.
 */
final class Listing implements Iterator<ObjectVersion> {
  /** One page: its versions, and the cursor of the next one when more follow. */
  record Page(List<ObjectVersion> versions, Optional<String> next) {
    Page {
      versions = List.copyOf(versions);
      requireNonNull(next, "next");
    }
  }

  /** Asks the server for the page after {@code cursor}, or for the first when it is empty. */
  @FunctionalInterface
  interface Pages {
    Page fetch(Optional<String> cursor) throws IOException;
  }

  private final Pages pages;
  private Page page;
  private int index;

  private Listing(Pages pages, Page first) {
    this.pages = pages;
    this.page = first;
  }

  /**
   * The listing as a lazy, sequential stream. The first page is fetched now, so what fails at
   * once (a refused request, no server) is thrown here; a later page that fails to come throws
   * {@link UncheckedIOException} from the stream's terminal operation.
   */
  static Stream<ObjectVersion> stream(Pages pages) throws IOException {
    Listing listing = new Listing(pages, checked(pages.fetch(Optional.empty()), Optional.empty()));
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  @Override
  public boolean hasNext() {
    while (index == page.versions().size()) {
      if (page.next().isEmpty()) {
        return false;
      }
      try {
        page = checked(pages.fetch(page.next()), page.next());
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      index = 0;
    }
    return true;
  }

  @Override
  public ObjectVersion next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the listing has ended");
    }
    return page.versions().get(index++);
  }

  /** A page that would make the listing loop forever is the server's error, not an end. */
  private static Page checked(Page page, Optional<String> cursor) throws IOException {
    if (page.next().isPresent() && (page.versions().isEmpty() || page.next().equals(cursor))) {
      throw new IOException("the server's listing does not advance past cursor "
          + cursor.orElse("(start)"));
    }
    return page;
  }
}
