package dev.ostore.client.cli;

import java.util.Locale;

/**
 * What {@code bench} is to run: {@code count} timed operations of {@code op} on objects of
 * {@code size} bytes from {@code concurrency} threads (no more threads than operations), after
 * the untimed ones of {@code warmup}; and whether to {@code keep} the objects it wrote rather
 * than delete them at the end.
 */
record BenchOptions(Op op, long size, int count, int concurrency, Warmup warmup, boolean keep) {
  /** Object bodies are one byte array shared by all threads; this is the largest Java allows. */
  static final long MAX_SIZE = Integer.MAX_VALUE - 8;

  /** The operations a bench run times. */
  enum Op {
    /** PUT to a new name each time. */
    PUT,
    /** GET of objects stored before the run, checking each body's length. */
    GET,
    /** PUT and GET in turn, half each. */
    MIXED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Op parse(String label) {
      for (Op op : values()) {
        if (op.label().equals(label)) {
          return op;
        }
      }
      throw new IllegalArgumentException("--op must be put, get or mixed, not " + label);
    }
  }

  BenchOptions {
    if (op == null) {
      throw new IllegalArgumentException("op is missing");
    }
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size (" + size + ") must be from 0 to " + MAX_SIZE);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count (" + count + ") must be at least 1");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency (" + concurrency + ") must be at least 1");
    }
    // A thread with nothing to do would leave the run at less concurrency than it reports.
    if (count < concurrency) {
      throw new IllegalArgumentException(
          "count (" + count + ") must be at least concurrency (" + concurrency + ")");
    }
    if (warmup == null) {
      throw new IllegalArgumentException("warmup is missing");
    }
  }

  /** The options of a {@code bench} command line; warmup defaults to 3 s, at most count. */
  static BenchOptions from(Args args) throws UsageException {
    try {
      Op op = Op.parse(args.option("op").orElse("put"));
      long size = ByteSize.parse(required(args, "size")).bytes();
      int count = number(required(args, "count"), "count");
      int concurrency = number(required(args, "concurrency"), "concurrency");
      Warmup warmup = args.option("warmup").isPresent()
          ? Warmup.parse(args.option("warmup").get(), count)
          : Warmup.forTime(Warmup.DEFAULT_TIME, count);
      return new BenchOptions(op, size, count, concurrency, warmup, args.flag("keep"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("bench: " + e.getMessage());
    }
  }

  /** How many objects a get or mixed run stores first, to spread its GETs over. */
  int readableObjects() {
    return op == Op.PUT ? 0 : Math.min(count, concurrency * 4);
  }

  private static String required(Args args, String name) throws UsageException {
    return args.option(name)
        .orElseThrow(() -> new UsageException("bench needs --" + name));
  }

  private static int number(String text, String name) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " is not a whole number: " + text, e);
    }
  }
}
