package dev.confide.testing;

import dev.confide.store.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The two storage backends every storage-touching test runs on. PostgreSQL tests get a schema of
 * their own (so concurrent runs never collide) and drop it afterwards. When PostgreSQL is
 * unreachable they are skipped with a message, except under {@code CI=true}, where they fail.
 */
public enum TestBackend {
  H2, POSTGRESQL;

  public static final String PG_URL = System.getenv().getOrDefault("CONFIDE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String PG_USER = System.getenv().getOrDefault("CONFIDE_TEST_PG_USER", "postgres");

  /** A fresh, empty database location for this backend; close it to drop a PostgreSQL schema. */
  public Location newLocation(Path tempDir) {
    if (this == H2) {
      return new Location(DatabaseSettings.embedded(tempDir.resolve("db-" + UUID.randomUUID()), 4), null);
    }
    requirePostgres();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    execute("CREATE SCHEMA " + schema);
    String url = PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new Location(new DatabaseSettings(url, PG_USER, "", schema, 4), schema);
  }

  /** Database settings plus the PostgreSQL schema to drop afterwards (null for H2). */
  public record Location(DatabaseSettings settings, String schema) implements AutoCloseable {
    @Override
    public void close() {
      if (schema != null) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static void requirePostgres() {
    try (Connection ignored = connect()) {
      // reachable
    } catch (SQLException e) {
      String message = "PostgreSQL is unreachable at " + PG_URL + " (" + e.getMessage() + ")";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message + "; under CI=true the PostgreSQL tests must run", e);
      }
      System.err.println("SKIPPING PostgreSQL test: " + message);
      Assumptions.abort(message);
    }
  }

  private static Connection connect() throws SQLException {
    DriverManager.setLoginTimeout(3);
    return DriverManager.getConnection(PG_URL, PG_USER, "");
  }

  private static void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL test setup failed: " + e.getMessage(), e);
    }
  }
}
