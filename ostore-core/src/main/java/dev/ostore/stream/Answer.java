package dev.ostore.stream;

import static java.util.Objects.requireNonNull;

/**
 * A data server's short successful answer: its status (a write tells 201, stored now, from 200,
 * held already) and its text.
 */
public record Answer(int status, String text) {
  public Answer {
    requireNonNull(text, "text");
  }
}
