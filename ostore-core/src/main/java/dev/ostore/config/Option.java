package dev.ostore.config;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;

/**
 * One setting of a server: read from the environment variable {@code env} (the tutorial's names,
 * such as {@code LISTEN_ADDRESS}) or from the flag {@code --flag}, which wins over the variable.
 * {@code defaultValue} is null when the setting is optional and has none.
 */
public record Option(String env, String flag, String defaultValue, String help) {
  public Option {
    checkArgument(env.matches("[A-Z][A-Z0-9_]*"), "bad environment variable name: %s", env);
    checkArgument(flag.matches("[a-z][a-z0-9-]*"), "bad flag name: %s", flag);
  }

  public Optional<String> defaultIfAny() {
    return Optional.ofNullable(defaultValue);
  }
}
