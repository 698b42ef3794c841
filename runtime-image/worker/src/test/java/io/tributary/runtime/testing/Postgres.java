package io.tributary.runtime.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for integration tests: {@code initdb} + {@code pg_ctl} on a temp
 * directory and a free loopback port, shared by every test in the JVM and stopped at exit. Each
 * test asks for its own database with {@link #newDatabase()}.
 *
 * <p>PostgreSQL refuses to run as root, so as root the server runs as the unprivileged user {@code
 * nobody} (through {@code runuser}); as any other user it runs as that user.
 */
public final class Postgres {
  private static Postgres shared;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path dataDir;
  private final int port;
  private final Path binDir;
  private final boolean asNobody;

  private Postgres(Path dataDir, int port, Path binDir, boolean asNobody) {
    this.dataDir = dataDir;
    this.port = port;
    this.binDir = binDir;
    this.asNobody = asNobody;
  }

  /** The JVM-wide server, started on first use. */
  public static synchronized Postgres shared() {
    if (shared == null) {
      shared = start();
      Postgres started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "postgres-stop"));
    }
    return shared;
  }

  private static Postgres start() {
    try {
      Path bin = findBinDir();
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir = Files.createTempDirectory("tributary-pg-");
      Path data = dir.resolve("data");
      if (root) {
        exec(List.of("chown", "nobody", dir.toString()), false);
      }
      int port = freePort();
      Postgres pg = new Postgres(data, port, bin, root);
      pg.run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "--encoding=UTF8",
              "--no-sync"));
      pg.run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-w",
              "-t",
              "60",
              "-l",
              dir.resolve("server.log").toString(),
              "-o",
              "-p " + port + " -h 127.0.0.1 -k " + dir + " -F -c fsync=off",
              "start"));
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** Creates a fresh, empty database and returns its JDBC URL (user postgres, no password). */
  public String newDatabase() {
    String name = "it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return url(name);
  }

  /**
   * Writes the secret files a jdbc source or sink of a test names, {@code db/user} (postgres) and
   * {@code db/password} (unused: the server trusts loopback connections), under {@code dir}.
   */
  public static Path writeSecrets(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("db"));
    Files.writeString(dir.resolve("db/user"), "postgres\n");
    Files.writeString(dir.resolve("db/password"), "unused-with-trust-auth\n");
    return dir;
  }

  /** Runs {@code statements} on the database at {@code url}, as user postgres. */
  public static void sql(String url, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      for (String q : statements) s.execute(q);
    }
  }

  /** The rows of {@code query}, each as its columns' text joined by '|'. */
  public static List<String> rows(String url, String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) cols.add(rs.getString(i));
        out.add(String.join("|", cols));
      }
    }
    return out;
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  public Path binDir() {
    return binDir;
  }

  private boolean stopped;

  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run(
          List.of(
              binDir.resolve("pg_ctl").toString(),
              "-D",
              dataDir.toString(),
              "-m",
              "immediate",
              "-w",
              "stop"));
      try (Stream<Path> files = Files.walk(dataDir.getParent())) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("postgres fixture: stop failed: " + e.getMessage());
    }
  }

  private void run(List<String> command) throws IOException {
    exec(command, asNobody);
  }

  private static void exec(List<String> command, boolean asNobody) throws IOException {
    List<String> full = new ArrayList<>();
    if (asNobody) {
      full.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", full) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + full, e);
    }
  }

  private static Path findBinDir() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path initdb = Path.of(dir, "initdb");
      if (Files.isExecutable(initdb)) {
        return initdb.toRealPath().getParent();
      }
    }
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        var found =
            dirs.map(d -> d.resolve("bin"))
                .filter(d -> Files.isExecutable(d.resolve("initdb")))
                .max(Comparator.naturalOrder());
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IOException(
        "initdb not found on PATH or in /usr/lib/postgresql/*/bin: apt-get install -y postgresql");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
