package dev.confide.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of this test's own (initdb into a temporary directory, on a free loopback
 * port), so a test can stop and start it without touching the shared one at 127.0.0.1:5432. As
 * root it runs as the {@code postgres} OS user. Without the PostgreSQL server binaries the test is
 * skipped with a message, except under {@code CI=true}, where it fails.
 */
public final class PrivatePostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  public static PrivatePostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("confide-pg-");
    if (root) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PrivatePostgres pg = new PrivatePostgres(bin, dir, port, root);
    pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
        "-E", "UTF8", "--no-sync"));
    pg.startServer();
    return pg;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** Starts the server again on the same data and port, and waits until it accepts connections. */
  public void startServer() throws InterruptedException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
        "-l", dir.resolve("server.log").toString(), "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
  }

  /** Stops the server the hard way (pg_ctl -m immediate: no checkpoint, clients cut off). */
  public void stopImmediately() throws InterruptedException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-m", "immediate", "stop"));
  }

  @Override
  public void close() throws InterruptedException, IOException {
    try {
      if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
        stopImmediately();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void run(List<String> command) throws InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest installed server's binaries (Debian puts them under /usr/lib/postgresql/VERSION/bin). */
  private static Path binaries() throws IOException {
    Path root = Path.of(System.getenv().getOrDefault("CONFIDE_TEST_PG_BIN_ROOT", "/usr/lib/postgresql"));
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        if (newest.isPresent()) {
          return newest.get();
        }
      }
    }
    String message = "no PostgreSQL server binaries (initdb) under " + root;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message + "; under CI=true the database outage test must run");
    }
    System.err.println("SKIPPING private PostgreSQL test: " + message);
    Assumptions.abort(message);
    return null;
  }
}
