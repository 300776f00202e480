package dev.confide.bench.load;

import dev.confide.app.BackgroundJobs;
import dev.confide.app.Confide;
import dev.confide.bench.BenchSupport;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.http.ConfideHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real server as {@code confide serve} runs it (engine, HTTP, background jobs), persistence on,
 * over H2 files in a temporary directory or PostgreSQL in a schema of its own, for load drivers.
 * {@code extraYaml} (providers, limits) is appended to the generated configuration. Closing it stops
 * everything, drops the schema and deletes the directory.
 */
final class ServerUnderLoad implements AutoCloseable {
  static final String POSTGRES_URL =
      System.getenv().getOrDefault("CONFIDE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String POSTGRES_USER = System.getenv().getOrDefault("CONFIDE_TEST_PG_USER", "postgres");

  final Confide confide;
  final ConfideHttp http;
  private final BackgroundJobs jobs;
  private final Path dir;
  private final String schema;

  private ServerUnderLoad(String backend, Path dir, String extraYaml) throws IOException, SQLException {
    this.dir = dir;
    Map<String, String> env = new HashMap<>();
    env.put("CONFIDE_DATA_DIR", dir.resolve("data").toString());
    switch (backend) {
      case "h2" -> this.schema = null;
      case "postgresql" -> {
        this.schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
          c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        env.put("CONFIDE_DB_URL", POSTGRES_URL + "?currentSchema=" + schema);
        env.put("CONFIDE_DB_USER", POSTGRES_USER);
        env.put("CONFIDE_DB_SCHEMA", schema);
      }
      default -> throw new IllegalArgumentException("backend is h2 or postgresql, not " + backend);
    }
    Path file = dir.resolve("load.yaml");
    // Cheap password hashing: sign-up is set-up here, not what is measured.
    Files.writeString(file, "server: {port: 0}\npasswords: {memoryKib: 8192, iterations: 1}\n" + extraYaml);
    ConfideConfig config = new ConfigLoader().load(file, env);
    Confide opened = Confide.open(config, Clock.systemUTC());
    try {
      this.http = ConfideHttp.start(opened, false);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    this.confide = opened;
    this.jobs = new BackgroundJobs(confide);
    jobs.start();
  }

  static ServerUnderLoad start(String backend, String extraYaml) throws IOException, SQLException {
    Path dir = Files.createTempDirectory("confide-load");
    try {
      return new ServerUnderLoad(backend, dir, extraYaml);
    } catch (IOException | SQLException | RuntimeException e) {
      BenchSupport.deleteRecursively(dir);
      throw e;
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + http.port();
  }

  @Override
  public void close() {
    try {
      http.close();
      jobs.close();
      if (schema != null) {
        confide.database.jdbi().useHandle(h -> h.execute("DROP SCHEMA " + schema + " CASCADE"));
      }
    } finally {
      confide.close();
      BenchSupport.deleteRecursively(dir);
    }
  }
}
