package dev.ostore.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line split into options and operands. Options are {@code --name value},
 * {@code --name=value} or flags such as {@code --verbose}, anywhere on the line; {@code -h} is
 * {@code --help}; a lone {@code -} is an operand (standard input or output); {@code --} ends the
 * options, so a name that starts with a dash can still be given. Each option and flag is given
 * at most once.
 */
record Args(Map<String, String> options, Set<String> flags, List<String> operands) {
  Args {
    options = Map.copyOf(options);
    flags = Set.copyOf(flags);
    operands = List.copyOf(operands);
  }

  /** Splits {@code words}, knowing the options in {@code valued} and the flags in {@code known}. */
  static Args parse(String[] words, Set<String> valued, Set<String> known) throws UsageException {
    Map<String, String> options = new HashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> operands = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      String word = words[i];
      if (word.equals("--")) {
        operands.addAll(List.of(words).subList(i + 1, words.length));
        break;
      }
      if (word.equals("-h")) {
        flag(flags, "help");
      } else if (word.startsWith("--")) {
        int equals = word.indexOf('=');
        String name = word.substring(2, equals < 0 ? word.length() : equals);
        if (known.contains(name)) {
          if (equals >= 0) {
            throw new UsageException("option --" + name + " takes no value");
          }
          flag(flags, name);
        } else if (valued.contains(name)) {
          if (equals < 0 && i + 1 == words.length) {
            throw new UsageException("option --" + name + " needs a value");
          }
          String value = equals < 0 ? words[++i] : word.substring(equals + 1);
          if (options.put(name, value) != null) {
            throw givenTwice(name);
          }
        } else {
          throw new UsageException("unknown option " + word);
        }
      } else if (word.startsWith("-") && word.length() > 1) {
        throw new UsageException("unknown option " + word);
      } else {
        operands.add(word);
      }
    }
    return new Args(options, flags, operands);
  }

  /** Adds flag {@code name}; a second time is refused as for an option: most likely a slip. */
  private static void flag(Set<String> flags, String name) throws UsageException {
    if (!flags.add(name)) {
      throw givenTwice(name);
    }
  }

  private static UsageException givenTwice(String name) {
    return new UsageException("option --" + name + " given twice");
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  boolean flag(String name) {
    return flags.contains(name);
  }
}
