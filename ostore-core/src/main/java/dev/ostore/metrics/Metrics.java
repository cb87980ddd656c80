package dev.ostore.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The metrics of one server, written for Prometheus by {@link #scrape()}. Each server owns its
 * own; nothing is static, so servers sharing a process (the one-command store, tests) keep apart.
 * Metrics are registered once, at start; recording to them afterwards takes no lock. Gauges are
 * read when scraped, so a value that costs something to learn (free disk space) costs only then.
 *
 * <pre>{@code
 * Metrics metrics = Metrics.create();
 * Labelled<Counter> requests = metrics.counters("ostore_http_requests_total", "Requests.", "status");
 * metrics.gauge("ostore_live_data_servers", "Data servers live.", () -> live.live().size());
 * requests.labels("200").increment();
 * String text = metrics.scrape();
 * }</pre>
 */
public final class Metrics {
  /** The Content-Type of {@link #scrape()}'s text: Prometheus' text format 0.0.4. */
  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** A family of samples sharing a name, a help text and a type. */
  private interface Family {
    void write(TextFormat out);
  }

  private final Map<String, Family> families = new LinkedHashMap<>();
  /** Every sample name written so far: a histogram's name_bucket, name_sum, name_count too. */
  private final Set<String> taken = new HashSet<>();

  private Metrics() {}

  public static Metrics create() {
    return new Metrics();
  }

  /** A counter without labels. */
  public Counter counter(String name, String help) {
    return counters(name, help).labels();
  }

  /** A counter per combination of values of {@code labels}. */
  public Labelled<Counter> counters(String name, String help, String... labels) {
    Labelled<Counter> counters = new Labelled<>(labelNames(labels), Counter::new);
    register(name, help, List.of(), out -> {
      out.family(name, help, "counter");
      counters.children().forEach((values, counter) ->
          out.sample(name, counters.names(), values, Long.toString(counter.value())));
    });
    return counters;
  }

  /**
   * A histogram per combination of values of {@code labels}, over buckets whose upper bounds are
   * {@code bounds} (finite, increasing; the unbounded {@code +Inf} bucket is added).
   */
  public Labelled<Histogram> histograms(String name, String help, double[] bounds,
      String... labels) {
    double[] checked = Histogram.checkBounds(bounds);
    ImmutableList<String> names = labelNames(labels);
    checkArgument(!names.contains("le"), "a histogram cannot have a label named le");
    Labelled<Histogram> histograms = new Labelled<>(names, () -> new Histogram(checked));
    register(name, help, List.of(name + "_bucket", name + "_sum", name + "_count"), out -> {
      out.family(name, help, "histogram");
      histograms.children().forEach((values, histogram) -> {
        Histogram.Snapshot s = histogram.snapshot();
        for (int i = 0; i < s.cumulative().length; i++) {
          String le = i < s.bounds().length ? TextFormat.number(s.bounds()[i]) : "+Inf";
          out.sample(name + "_bucket", names, values, le, Long.toString(s.cumulative()[i]));
        }
        out.sample(name + "_sum", names, values, TextFormat.number(s.sum()));
        out.sample(name + "_count", names, values, Long.toString(s.count()));
      });
    });
    return histograms;
  }

  /** A gauge without labels whose value is read from {@code value} at each scrape. */
  public void gauge(String name, String help, DoubleSupplier value) {
    requireNonNull(value, "value");
    readAtScrape(name, help, "gauge", () -> TextFormat.number(value.getAsDouble()));
  }

  /**
   * A counter without labels whose value is read from {@code value} at each scrape: for a count
   * that something else keeps, and never lowers.
   */
  public void counter(String name, String help, LongSupplier value) {
    requireNonNull(value, "value");
    readAtScrape(name, help, "counter", () -> Long.toString(value.getAsLong()));
  }

  /**
   * A gauge per value of {@code label}, in the order {@code values} gives, each read from its
   * supplier at each scrape.
   */
  public void gauges(String name, String help, String label,
      Map<String, DoubleSupplier> values) {
    readAtScrape(name, help, "gauge", label, values,
        value -> TextFormat.number(value.getAsDouble()));
  }

  /**
   * A counter per value of {@code label}, in the order {@code values} gives, each read from its
   * supplier at each scrape: for counts that something else keeps, and never lowers.
   */
  public void counters(String name, String help, String label, Map<String, LongSupplier> values) {
    readAtScrape(name, help, "counter", label, values, value -> Long.toString(value.getAsLong()));
  }

  /** One sample without labels, written as {@code sample} gives it at each scrape. */
  private void readAtScrape(String name, String help, String type, Supplier<String> sample) {
    readAtScrape(name, help, type, List.of(), Map.of(List.of(), sample));
  }

  private <T> void readAtScrape(String name, String help, String type, String label,
      Map<String, T> values, Function<T, String> read) {
    Map<List<String>, Supplier<String>> samples = new LinkedHashMap<>();
    values.forEach((value, supplier) -> {
      requireNonNull(supplier, "value");
      samples.put(List.of(value), () -> read.apply(supplier));
    });
    readAtScrape(name, help, type, labelNames(label), samples);
  }

  private void readAtScrape(String name, String help, String type, List<String> labels,
      Map<List<String>, Supplier<String>> samples) {
    register(name, help, List.of(), out -> {
      out.family(name, help, type);
      samples.forEach((values, number) -> out.sample(name, labels, values, number.get()));
    });
  }

  /** Every metric, in the order registered, in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    StringBuilder text = new StringBuilder(4096);
    TextFormat out = new TextFormat(text);
    List<Family> all;
    synchronized (families) {
      all = List.copyOf(families.values());
    }
    all.forEach(family -> family.write(out));
    return text.toString();
  }

  private void register(String name, String help, List<String> sampleNames, Family family) {
    checkArgument(NAME.matcher(name).matches(), "bad metric name: %s", name);
    requireNonNull(help, "help");
    List<String> names = ImmutableList.<String>builder().add(name).addAll(sampleNames).build();
    synchronized (families) {
      checkArgument(names.stream().noneMatch(taken::contains),
          "metric %s registered twice, or clashing with another's samples", name);
      taken.addAll(names);
      families.put(name, family);
    }
  }

  private static ImmutableList<String> labelNames(String... labels) {
    for (String label : labels) {
      checkArgument(LABEL.matcher(label).matches() && !label.startsWith("__"),
          "bad label name: %s", label);
    }
    ImmutableList<String> names = ImmutableList.copyOf(labels);
    checkArgument(names.stream().distinct().count() == names.size(),
        "label names repeat: %s", names);
    return names;
  }
}
