package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ShardId;
import dev.ostore.server.data.DataServerMain;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real cluster on this machine: one api server and some data servers, each in a JVM of its own,
 * over a virtual host of its own on the RabbitMQ broker. Data server {@code i} keeps its files in
 * {@code root/data-i} and listens on the same port each time it is started, so a killed one comes
 * back as the same server. Closing kills every process and deletes the virtual host.
 */
final class ProcessCluster implements AutoCloseable {
  static final Path LOGS = Path.of("target", "server-logs");

  private final Path root;
  private final String name;
  private final Broker.VirtualHost vhost;
  private final Map<String, String> dataEnv;
  private final List<String> dataJvm;
  private final int[] dataPorts;
  private final ServerProcess[] dataServers;
  private final List<ServerProcess> started = new ArrayList<>();
  private ServerProcess api;
  private Http http;
  private List<String> apiJvm;
  private Map<String, String> apiEnv;
  private int apiServers;

  private ProcessCluster(Path root, String name, int dataServers, List<String> dataJvm,
      Map<String, String> dataEnv) throws Exception {
    Broker.requireRunning();
    this.root = root;
    this.name = name;
    this.dataJvm = dataJvm;
    this.dataEnv = dataEnv;
    this.dataPorts = new int[dataServers];
    this.dataServers = new ServerProcess[dataServers];
    this.vhost = new Broker.VirtualHost();
  }

  /** What to run: how many data servers, and the api and data servers' JVM options and settings. */
  record Spec(String name, int dataServers, List<String> apiJvm, Map<String, String> apiEnv,
      List<String> dataJvm, Map<String, String> dataEnv) {
    /**
     * One api server with 64 MiB of heap and six data servers, which 4+2 takes. A short expiry,
     * so that a killed server is soon no longer offered shards; heartbeats six times as often:
     * at 2 s, live servers expired on a busy 2-CPU machine.
     */
    static Spec sixDataServers(String name) {
      return new Spec(name, 6, List.of("-Xmx64m"), Map.of("HEARTBEAT_EXPIRY", "3s"),
          List.of("-Xmx256m", "-XX:+UseSerialGC"), Map.of("HEARTBEAT_INTERVAL", "500ms"));
    }
  }

  /**
   * Starts the data servers, then the api server, and returns once the api server sees every data
   * server live; logs go to {@code target/server-logs/<name>-*.log}.
   */
  static ProcessCluster start(Path root, Spec spec) throws Exception {
    ProcessCluster cluster = new ProcessCluster(root, spec.name(), spec.dataServers(),
        spec.dataJvm(), spec.dataEnv());
    try {
      for (int i = 0; i < spec.dataServers(); i++) {
        cluster.dataPorts[i] = ServerProcess.freePort();
      }
      cluster.startData(allData(spec.dataServers()));
      cluster.startApi(spec.apiJvm(), spec.apiEnv());
      cluster.awaitLive(allData(spec.dataServers()), Duration.ofSeconds(30));
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The indexes of all {@code n} data servers. */
  static Set<Integer> allData(int n) {
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }

  Http http() {
    return http;
  }

  /** What the api server wrote, its log, since it started. */
  String apiOutput() throws IOException {
    return api.output();
  }

  int dataServerCount() {
    return dataServers.length;
  }

  /** The {@code STORAGE_ROOT} of data server {@code i}. */
  Path dataRoot(int i) {
    return root.resolve("data-" + i);
  }

  /** Kills data server {@code i} at once, as {@code kill -9} would, and waits for it to die. */
  void killData(int i) throws InterruptedException {
    dataServers[i].kill();
  }

  boolean isDataAlive(int i) {
    return dataServers[i] != null && dataServers[i].isAlive();
  }

  /**
   * Starts the data servers {@code indexes} on their roots and ports, side by side, and returns
   * once each has started (not yet once the api server has heard from it).
   */
  void startData(Set<Integer> indexes) throws Exception {
    startData(indexes, Map.of());
  }

  /** As {@link #startData(Set)}, with {@code settings} added to each one's environment. */
  void startData(Set<Integer> indexes, Map<String, String> settings) throws Exception {
    for (int i : indexes) {
      launchData(i, settings);
    }
    for (int i : indexes) {
      for (int attempt = 1; ; attempt++) {
        try {
          dataServers[i].awaitStarted(dataPorts[i], Duration.ofSeconds(60));
          break;
        } catch (AssertionError e) {
          if (attempt == ServerProcess.PORT_ATTEMPTS || !dataServers[i].lostItsPort()) {
            throw e;
          }
          dataPorts[i] = ServerProcess.freePort();
          launchData(i, settings);
        }
      }
    }
  }

  private void launchData(int i, Map<String, String> settings) throws IOException {
    Map<String, String> env = new HashMap<>(dataEnv);
    env.putAll(settings);
    env.put("RABBITMQ_SERVER", vhost.uri());
    env.put("LISTEN_ADDRESS", "127.0.0.1:" + dataPorts[i]);
    env.put("STORAGE_ROOT", dataRoot(i).toString());
    dataServers[i] = ServerProcess.start(DataServerMain.class, dataJvm, env, List.of(),
        LOGS.resolve(name + "-data-" + i + ".log"));
    started.add(dataServers[i]);
  }

  /** Kills the api server at once, as {@code kill -9} would, and waits for it to die. */
  void killApi() throws InterruptedException {
    api.kill();
  }

  /**
   * Starts another api server with the first one's settings (give them a shared {@code
   * METADATA_URL}), answers through it from now on, and returns once it sees every data server
   * that is alive.
   */
  void startAnotherApi() throws Exception {
    startAnotherApi(Map.of());
  }

  /** The same, with {@code settings} in place of those of their names, for later ones too. */
  void startAnotherApi(Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>(apiEnv);
    env.putAll(settings);
    startApi(apiJvm, env);
    Set<Integer> alive = new TreeSet<>();
    for (int i = 0; i < dataServers.length; i++) {
      if (isDataAlive(i)) {
        alive.add(i);
      }
    }
    awaitLive(alive, Duration.ofSeconds(30));
  }

  private void startApi(List<String> jvm, Map<String, String> env) throws Exception {
    apiJvm = jvm;
    apiEnv = env;
    String suffix = apiServers++ == 0 ? "" : "-" + apiServers;
    ServerProcess.Listening listening = ServerProcess.startOnFreePort(port -> {
      Map<String, String> all = new HashMap<>(env);
      all.put("RABBITMQ_SERVER", vhost.uri());
      all.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
      all.put("STORAGE_ROOT", root.resolve("api" + suffix).toString());
      ServerProcess server = ServerProcess.start(ApiServerMain.class, jvm, all, List.of(),
          LOGS.resolve(name + "-api" + suffix + ".log"));
      started.add(server);
      return server;
    }, Duration.ofSeconds(60));
    api = listening.server();
    http = new Http(URI.create("http://127.0.0.1:" + listening.port()));
  }

  /** The api server's {@code GET /servers}: the data servers it uses now. */
  String liveServers() throws Exception {
    HttpResponse<String> servers = http.get("/servers");
    assertEquals(200, servers.statusCode());
    return servers.body();
  }

  /** Whether the api server lists data server {@code i} as live. */
  boolean listsLive(String servers, int i) {
    return servers.contains(":" + dataPorts[i] + "\"");
  }

  /** Whether the api server lists data server {@code i} as live and full: it has no room. */
  boolean listsFull(String servers, int i) {
    return servers.matches("(?s).*:" + dataPorts[i] + "\",\"Id\":\"[0-9a-f]{32}\",\"Free\":0}.*");
  }

  /** Waits until the api server lists exactly the data servers {@code indexes} as live. */
  void awaitLive(Set<Integer> indexes, Duration within) throws Exception {
    awaitListed(indexes::equals, indexes, within);
  }

  /** Waits until the api server lists the data servers {@code indexes}, and maybe others. */
  void awaitHeard(Set<Integer> indexes, Duration within) throws Exception {
    awaitListed(listed -> listed.containsAll(indexes), indexes, within);
  }

  private void awaitListed(Predicate<Set<Integer>> enough, Set<Integer> indexes,
      Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String live = liveServers();
      Set<Integer> listed = new TreeSet<>();
      for (int i = 0; i < dataPorts.length; i++) {
        if (listsLive(live, i)) {
          listed.add(i);
        }
      }
      if (enough.test(listed)) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "live data servers " + listed + ", waiting for "
          + indexes + ": " + live);
      Thread.sleep(50);
    }
  }

  /** The files under {@code sub} of data server {@code i}'s root, relative to it, sorted. */
  /**
   * The shards data server {@code i} holds in place, as {@code <hex>.<index>}: in files or packs
   * alike, as {@link ShardStore#inspect} reads them.
   */
  List<String> shardsOf(int i) throws IOException {
    return ShardStore.inspect(dataRoot(i)).keySet().stream().map(ShardId::toString).toList();
  }

  List<String> filesOf(int i, String sub) throws IOException {
    Path dir = dataRoot(i).resolve(sub);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> dataRoot(i).relativize(p).toString())
          .sorted().toList();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      for (ServerProcess process : started) {
        process.close();
      }
    } finally {
      vhost.close();
    }
  }
}
