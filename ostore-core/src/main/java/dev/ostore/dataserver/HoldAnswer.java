package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient.Hold;

/** One line of a data server's answer to a hold: a shard, and what the server did with it. */
record HoldAnswer(ShardId id, Hold hold) {
  HoldAnswer {
    requireNonNull(id, "id");
    requireNonNull(hold, "hold");
  }

  /**
   * Reads {@code "<hex>.<i> held|absent|written-since"}; anything else is an
   * IllegalArgumentException.
   */
  static HoldAnswer parse(String line) {
    String[] fields = line.split(" ");
    if (fields.length != 2) {
      throw new IllegalArgumentException("not a hold's line: " + line);
    }
    Hold hold = switch (fields[1]) {
      case "held" -> Hold.HELD;
      case "absent" -> Hold.ABSENT;
      case "written-since" -> Hold.WRITTEN_SINCE;
      default -> throw new IllegalArgumentException("not a hold's answer: " + line);
    };
    return new HoldAnswer(ShardId.parse(fields[0]), hold);
  }
}
