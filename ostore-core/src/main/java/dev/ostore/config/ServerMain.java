package dev.ostore.config;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the {@code main} of each server does around its own start: reads the configuration, says
 * in one line why a start failed (exit status 2), and on SIGTERM or Ctrl-C stops the server
 * gracefully and logs that it stopped.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   ServerMain.run(new ServerMain.Program<>("data server", "ostore-server-data", USAGE,
 *       DataServerConfig.OPTIONS, DataServerConfig::from, DataServerMain::start), args);
 * }
 * }</pre>
 */
public final class ServerMain {
  private ServerMain() {}

  /** What {@link #run} needs of a server's configuration. */
  public interface Config {
    /** The whole configuration on one line, secrets hidden, for the start-up log. */
    String describe();

    /** How long requests in flight may take to finish when the server is asked to stop. */
    Duration stopTimeout();
  }

  /** A started server, as its {@code main} sees it. */
  public interface Running {
    /**
     * Stops accepting, lets requests in flight finish for up to {@code grace}, then stops;
     * returns whether every request finished.
     */
    boolean stop(Duration grace);
  }

  /** Reads a configuration; a bad setting is an {@link IllegalArgumentException} naming it. */
  public interface Parser<C> {
    C parse(Map<String, String> env, String[] args);
  }

  /**
   * Starts a server. A failure the operator can fix (a port in use, a storage root that cannot
   * be created or is in use, a database refusing) is an {@link IOException}, an {@link
   * IllegalArgumentException} or an {@link IllegalStateException} with a message that says it.
   */
  public interface Starter<C> {
    Running start(C config) throws IOException;
  }

  /**
   * A server program: {@code name} for its log lines ("data server"), {@code program} for its
   * error lines ("ostore-server-data"), its usage and settings for {@code --help}.
   */
  public record Program<C extends Config>(String name, String program, String usage,
      List<Option> options, Parser<C> parser, Starter<C> starter) {}

  /** Runs {@code program} with {@code args}; returns once it started, or exits the JVM. */
  public static <C extends Config> void run(Program<C> program, String[] args) {
    ServerLogging.install();
    Logger log = System.getLogger(ServerMain.class.getName());
    if (Options.wantsHelp(args)) {
      System.out.print(Options.help(program.usage(), program.options()));
      return;
    }
    C config;
    try {
      config = program.parser().parse(System.getenv(), args);
    } catch (IllegalArgumentException e) {
      refuse(program, oneLine(e) + " (see --help)");
      return;
    }
    Running server;
    try {
      server = program.starter().start(config);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      refuse(program, oneLine(e));
      return;
    } catch (RuntimeException e) {
      log.log(ERROR, program.name() + " failed to start: " + e, e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Duration grace = config.stopTimeout();
      log.log(INFO, () -> program.name() + " stopping: requests in flight have " + grace
          + " to finish");
      if (server.stop(grace)) {
        log.log(INFO, () -> program.name() + " stopped");
      } else {
        log.log(WARNING, () -> program.name() + " stopped; requests still in flight after "
            + grace + " were cut off");
      }
    }, "shutdown"));
    log.log(INFO, () -> program.name() + " started: " + config.describe());
  }

  private static void refuse(Program<?> program, String reason) {
    System.err.println(program.program() + ": " + reason);
    System.exit(2);
  }

  private static String oneLine(Exception e) {
    return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
