package dev.confide.store;

import java.nio.file.Path;

/**
 * Where the system of record lives. An H2 URL means the embedded database; anything else is
 * treated as PostgreSQL. {@code schema} (optional) isolates one deployment or one test run.
 * {@code connectionTimeoutMs} bounds how long a request waits for a pooled connection: while the
 * database is down, requests fail after this long (503) instead of hanging.
 */
public record DatabaseSettings(String url, String user, String password, String schema, int maxPoolSize,
    int connectionTimeoutMs) {
  public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("database url is required");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1");
    }
    if (connectionTimeoutMs < 500) {
      throw new IllegalArgumentException("connectionTimeoutMs must be at least 500");
    }
  }

  public DatabaseSettings(String url, String user, String password, String schema, int maxPoolSize) {
    this(url, user, password, schema, maxPoolSize, DEFAULT_CONNECTION_TIMEOUT_MS);
  }

  public DatabaseSettings withConnectionTimeout(int millis) {
    return new DatabaseSettings(url, user, password, schema, maxPoolSize, millis);
  }

  /**
   * The embedded default: an H2 file database under {@code dataDir} in PostgreSQL mode. AUTO_SERVER
   * lets a CLI command open the same file while a server holds it (H2's automatic mixed mode).
   * H2 stores commits in the background; {@link Database#makeCommitsDurable} stores them before a
   * response acknowledges them.
   */
  public static DatabaseSettings embedded(Path dataDir, int maxPoolSize) {
    Path file = dataDir.toAbsolutePath().normalize().resolve("confide");
    String url = "jdbc:h2:file:" + file
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"
        // H2 keeps 8 parsed statements per connection by default; a chat turn alone runs about ten
        // distinct ones, so with 8 every statement was parsed again on every request.
        + ";QUERY_CACHE_SIZE=64";
    return new DatabaseSettings(url, "confide", "", null, maxPoolSize);
  }

  public boolean isH2() {
    return url.startsWith("jdbc:h2:");
  }
}
