package dev.ostore.config;

import dev.ostore.ServerAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of one server and their values, taken once in {@code main} from the environment
 * and the command line ({@code --flag value} or {@code --flag=value}; a flag wins over its
 * variable). Unknown flags and values that do not parse are {@link IllegalArgumentException}s
 * naming the setting.
 */
public final class Options {
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("([?&;]password=)[^&;]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

  private final Map<Option, String> values;

  private Options(Map<Option, String> values) {
    this.values = values;
  }

  /** True when {@code args} ask for help rather than a server. */
  public static boolean wantsHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  /** Reads {@code options} from {@code env} and {@code args}. */
  public static Options parse(List<Option> options, Map<String, String> env, String[] args) {
    Map<Option, String> values = new HashMap<>();
    for (Option option : options) {
      String fromEnv = env.get(option.env());
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(option, fromEnv.strip());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      int equals = arg.indexOf('=');
      String flag = arg.substring(2, equals < 0 ? arg.length() : equals);
      Option option = options.stream().filter(o -> o.flag().equals(flag)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown flag: --" + flag));
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("flag --" + flag + " needs a value");
      }
      values.put(option, value.strip());
    }
    return new Options(values);
  }

  /** The value of {@code option}: given, else its default, else empty. */
  public Optional<String> get(Option option) {
    String value = values.get(option);
    return value != null ? Optional.of(value) : option.defaultIfAny();
  }

  /** The value of a setting that must have one. */
  public String require(Option option) {
    return get(option).orElseThrow(() -> new IllegalArgumentException(
        describe(option) + " is required"));
  }

  public int getInt(Option option) {
    String text = require(option);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(describe(option) + " is not a whole number: " + text);
    }
  }

  /**
   * A {@code host:port} whose host is known here (an address, or a name that resolves), so that
   * a typing error is found before a server creates anything.
   */
  public ServerAddress getAddress(Option option) {
    String text = require(option);
    ServerAddress address;
    try {
      address = ServerAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe(option) + ": " + e.getMessage());
    }
    try {
      InetAddress.getByName(address.host());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          describe(option) + " names an unknown host: " + address.host());
    }
    return address;
  }

  /** The URI of a RabbitMQ broker: {@code amqp://} or {@code amqps://}, with a host. */
  public URI getBrokerUri(Option option) {
    String text = require(option);
    try {
      URI uri = new URI(text);
      String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
      if ((scheme.equals("amqp") || scheme.equals("amqps")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Refused below, like any other URI that is not a broker's.
    }
    throw new IllegalArgumentException(describe(option)
        + " is not an amqp:// or amqps:// URI with a host: " + redact(text));
  }

  /** {@code true} or {@code false}. */
  public boolean getBoolean(Option option) {
    String text = require(option);
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException(describe(option) + " is not true or false: " + text);
  }

  /**
   * A count of bytes, zero or more: a whole number, or one followed by {@code K}, {@code M},
   * {@code G} or {@code T} for 2^10, 2^20, 2^30 or 2^40 ({@code 20M}); at most {@code
   * Long.MAX_VALUE}, past which a count is refused rather than wrapped around.
   */
  public long getBytes(Option option) {
    String text = require(option);
    int unit = "KMGT".indexOf(text.isEmpty() ? ' ' : text.charAt(text.length() - 1));
    String digits = unit < 0 ? text : text.substring(0, text.length() - 1);
    if (!digits.matches("[0-9]{1,19}")) {
      throw new IllegalArgumentException(describe(option)
          + " is not a number of bytes such as 0, 512K or 20M: " + text);
    }
    try {
      return Math.multiplyExact(Long.parseLong(digits), 1L << (10 * (unit + 1)));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(describe(option) + " is more than "
          + Long.MAX_VALUE + " bytes: " + text);
    }
  }

  /** A positive duration such as {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601 {@code PT5S}. */
  public Duration getDuration(Option option) {
    String text = require(option);
    Duration duration = parseDuration(option, text);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(describe(option) + " must be positive: " + text);
    }
    return duration;
  }

  private static Duration parseDuration(Option option, String text) {
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          describe(option) + " is not a duration such as 500ms, 5s or 2m: " + text);
    }
  }

  /** The {@code --help} text: usage, then each setting with its variable, flag and default. */
  public static String help(String usage, List<Option> options) {
    StringBuilder out = new StringBuilder(usage).append("\n\nSettings (flag, then variable):\n");
    for (Option option : options) {
      out.append(String.format("  --%-22s %s%n  %-24s %s%n",
          option.flag() + " VALUE", option.env(), "", option.help()
              + option.defaultIfAny().map(d -> " (default: " + d + ")").orElse("")));
    }
    return out.toString();
  }

  private static String describe(Option option) {
    return option.env() + " (--" + option.flag() + ")";
  }

  /** {@code uri} with its password, if any, replaced by stars: for logs. */
  public static String redact(URI uri) {
    return redact(uri.toString());
  }

  /** A URI or JDBC URL with its password (user info or {@code password=} parameter) starred. */
  public static String redact(String url) {
    String hidden = PASSWORD_PARAMETER.matcher(url).replaceAll("$1****");
    return USER_INFO.matcher(hidden).replaceAll("//$1:****@");
  }
}
