package dev.ostore.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for tests: every line must parse,
 * every family has at most one HELP and one TYPE, the TYPE before its samples, a family's
 * samples are one group, no series appears twice, and each histogram's buckets are cumulative,
 * end in {@code +Inf} and agree with its {@code _count}. Any breach is an
 * {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  /** One sample line: its name as written, its labels, its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A family: the name of its TYPE line, its type, its help text and its samples in order. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private final Map<String, Family> families = new LinkedHashMap<>();

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    PrometheusText parser = new PrometheusText();
    parser.read(text);
    parser.families.values().stream().filter(f -> f.type().equals("histogram"))
        .forEach(PrometheusText::checkHistogram);
    return parser.families;
  }

  /**
   * The sum of the samples named {@code sampleName} whose labels include {@code labels}; 0 when
   * there is none.
   */
  public static double sum(Map<String, Family> families, String sampleName,
      Map<String, String> labels) {
    return families.values().stream().flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(sampleName))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  private void read(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    Map<String, String> helps = new TreeMap<>();
    Set<String> series = new HashSet<>();
    Set<String> closed = new HashSet<>();
    String current = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        if (helps.put(m.group(1), unescape(m.group(2), false, line)) != null) {
          throw bad("a second HELP", line);
        }
      } else if ((m = TYPE.matcher(line)).matches()) {
        String name = m.group(1);
        if (families.containsKey(name) || closed.contains(name)) {
          throw bad("a second TYPE, or a TYPE after its samples", line);
        }
        families.put(name, new Family(name, m.group(2), "", new ArrayList<>()));
        closed.add(name);
      } else if (line.startsWith("#")) {
        if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
          throw bad("a malformed HELP or TYPE", line);
        }
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        Sample sample = new Sample(m.group(1), labels(m.group(2), line), number(m.group(3), line));
        Family family = familyOf(sample.name());
        if (family == null) {
          throw bad("a sample without a TYPE before it", line);
        }
        if (current != null && !current.equals(family.name())
            && !family.samples().isEmpty()) {
          throw bad("a family's samples not in one group", line);
        }
        current = family.name();
        if (!series.add(sample.name() + sample.labels())) {
          throw bad("a series given twice", line);
        }
        family.samples().add(sample);
      } else {
        throw bad("a line that does not parse", line);
      }
    }
    helps.forEach((name, help) -> families.computeIfPresent(name,
        (n, f) -> new Family(n, f.type(), help, f.samples())));
  }

  private Family familyOf(String sampleName) {
    Family family = families.get(sampleName);
    if (family != null) {
      return family;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sampleName.endsWith(suffix)) {
        Family f = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
        if (f != null && (f.type().equals("histogram")
            || (f.type().equals("summary") && !suffix.equals("_bucket")))) {
          return f;
        }
      }
    }
    return null;
  }

  private static Map<String, String> labels(String braces, String line) {
    Map<String, String> labels = new TreeMap<>();
    if (braces == null) {
      return labels;
    }
    String text = braces.substring(1, braces.length() - 1);
    int i = 0;
    while (i < text.length()) {
      Matcher m = LABEL.matcher(text).region(i, text.length());
      if (!m.lookingAt()) {
        throw bad("a malformed label", line);
      }
      int j = m.end();
      StringBuilder raw = new StringBuilder();
      while (j < text.length() && text.charAt(j) != '"') {
        raw.append(text.charAt(j));
        if (text.charAt(j) == '\\' && j + 1 < text.length()) {
          raw.append(text.charAt(++j));
        }
        j++;
      }
      if (j >= text.length()) {
        throw bad("an unterminated label value", line);
      }
      if (labels.put(m.group(1), unescape(raw.toString(), true, line)) != null) {
        throw bad("a label given twice", line);
      }
      i = j + 1;
      if (i < text.length() && text.charAt(i++) != ',') {
        throw bad("labels not separated by commas", line);
      }
    }
    return labels;
  }

  private static String unescape(String text, boolean quote, String line) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' && quote) {
        throw bad("an unescaped double quote", line);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = ++i < text.length() ? text.charAt(i) : ' ';
      switch (next) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (!quote) {
            throw bad("an escaped quote in HELP", line);
          }
          out.append('"');
        }
        default -> throw bad("an unknown escape \\" + next, line);
      }
    }
    return out.toString();
  }

  private static double number(String text, String line) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          throw bad("a value that is not a float", line);
        }
        return Double.parseDouble(text);
    }
  }

  private static void checkHistogram(Family family) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    Set<Map<String, String>> sums = new HashSet<>();
    for (Sample s : family.samples()) {
      if (s.name().equals(family.name() + "_bucket")) {
        Map<String, String> rest = new TreeMap<>(s.labels());
        if (rest.remove("le") == null) {
          throw bad("a bucket without le", family.name());
        }
        buckets.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
      } else if (s.name().equals(family.name() + "_count")) {
        counts.put(s.labels(), s.value());
      } else if (s.name().equals(family.name() + "_sum")) {
        sums.add(s.labels());
      } else {
        throw bad("a histogram sample that is no bucket, sum or count", s.name());
      }
    }
    if (!buckets.keySet().equals(counts.keySet()) || !sums.equals(counts.keySet())) {
      throw bad("series without all of buckets, sum and count", family.name());
    }
    buckets.forEach((labels, list) -> {
      double previousBound = Double.NEGATIVE_INFINITY;
      double previousCount = 0;
      for (Sample bucket : list) {
        double bound = number(bucket.labels().get("le"), bucket.toString());
        if (bound <= previousBound || bucket.value() < previousCount) {
          throw bad("buckets not increasing and cumulative", bucket.toString());
        }
        previousBound = bound;
        previousCount = bucket.value();
      }
      if (previousBound != Double.POSITIVE_INFINITY || previousCount != counts.get(labels)) {
        throw bad("the last bucket is not +Inf equal to _count", family.name() + labels);
      }
    });
  }

  private static IllegalArgumentException bad(String what, String line) {
    return new IllegalArgumentException(what + ": " + line);
  }
}
