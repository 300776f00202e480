package dev.confide.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.statement.StatementExceptions;

/** The connection pool and JDBI over it, migrated to the current schema on open. */
public final class Database implements AutoCloseable {

  /** Which engine is behind the URL; some maintenance statements differ. */
  public enum Backend { H2, POSTGRESQL }

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Backend backend;
  /** Callers of {@link #makeCommitsDurable} so far; a caller's number is taken after its commit. */
  private final AtomicLong durabilityCallers = new AtomicLong();
  private final AtomicLong checkpoints = new AtomicLong();
  private final ReentrantLock checkpointLock = new ReentrantLock();
  /** Every caller up to this number is covered by a finished CHECKPOINT; guarded by {@code checkpointLock}. */
  private long durableUpTo;

  private Database(HikariDataSource dataSource, Backend backend) {
    this.dataSource = dataSource;
    this.backend = backend;
    this.jdbi = Jdbi.create(dataSource);
    // JDBI's default statement caches take a lock on every statement; Caffeine's do not.
    jdbi.installPlugin(new org.jdbi.v3.cache.caffeine.CaffeineCachePlugin());
    // Timestamps always cross the driver as UTC OffsetDateTime so H2 and PostgreSQL agree.
    jdbi.registerArgument(new InstantArgumentFactory());
    // A null UUID must reach PostgreSQL untyped (not as varchar) to fit a uuid column.
    jdbi.registerArgument(new UuidArgumentFactory());
    // JDBI adds the statement to an exception's message, not its bound values (its SHORT_STATEMENT
    // rendering would). The driver's own message may still quote values (PostgreSQL's "Key (...)=(...)"),
    // so logs drop exception messages altogether (Unexplained).
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(Database::statementOnly);
    jdbi.registerColumnMapper(Instant.class, (rs, column, ctx) -> {
      OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    });
  }

  private static String statementOnly(org.jdbi.v3.core.statement.StatementException e) {
    org.jdbi.v3.core.statement.StatementContext ctx = e.getStatementContext();
    String sql = ctx == null ? null : ctx.getRenderedSql();
    if (sql == null) {
      return e.getShortMessage();
    }
    return e.getShortMessage() + " [statement:\"" + (sql.length() > 1024 ? sql.substring(0, 1024) + "[...]" : sql) + "\"]";
  }

  /** Opens the pool and applies pending migrations; fails fast when the database is unreachable. */
  public static Database open(DatabaseSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setPoolName("confide");
    config.setConnectionTimeout(settings.connectionTimeoutMs());
    // Validation must give up before a caller does: a dead connection is detected and replaced.
    config.setValidationTimeout(Math.min(settings.connectionTimeoutMs() / 2, 2_000));
    // A connection whose database went away is never handed out again, even when the driver does
    // not say so in SQLSTATE class 08: H2 closes itself after a failed write (disk full) and
    // reopens only for a new connection, so the pool must drop the old ones to recover.
    config.setExceptionOverride(new EvictWhenUnavailable());
    if (settings.schema() != null && !settings.isH2()) {
      config.setSchema(settings.schema());
    }
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .schemas(settings.schema() == null || settings.isH2() ? new String[0] : new String[] {settings.schema()})
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, settings.isH2() ? Backend.H2 : Backend.POSTGRESQL);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Makes every committed transaction survive the process being killed, before a response
   * acknowledges it. A PostgreSQL commit already does (its write-ahead log). H2 has no such log and
   * stores commits in the background (WRITE_DELAY, 500 ms), so a kill -9 lost turns the server had
   * already acknowledged (found by KillUnderLoadTest): CHECKPOINT stores every pending commit now,
   * all at once, and costs nothing when there is none. H2's WRITE_DELAY=0 would also do, but it
   * stores at every commit and stops H2's background compaction, so the file grows while it runs.
   * Written to the operating system, not fsynced: an OS crash or power loss can still lose the
   * last moments on H2.
   *
   * <p>Concurrent callers share one CHECKPOINT (group commit): a caller waiting for the lock is
   * done as soon as a checkpoint that began after its own commit has finished, so under load the
   * cost is one checkpoint per burst, not one per request.
   */
  public void makeCommitsDurable() {
    if (backend != Backend.H2) {
      return;
    }
    long caller = durabilityCallers.incrementAndGet();
    checkpointLock.lock();
    try {
      if (durableUpTo >= caller) {
        return;
      }
      // Read before the checkpoint starts: every caller numbered up to here had committed already.
      long covered = durabilityCallers.get();
      jdbi.useHandle(h -> h.execute("CHECKPOINT"));
      checkpoints.incrementAndGet();
      durableUpTo = covered;
    } finally {
      checkpointLock.unlock();
    }
  }

  /** How many CHECKPOINTs {@link #makeCommitsDurable} has run (H2), for metrics and tests. */
  public long checkpointsTaken() {
    return checkpoints.get();
  }

  /** True when a connection can be taken and answers within two seconds. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Writes a consistent online backup of the embedded database to a zip file (H2's BACKUP). For
   * PostgreSQL use pg_dump (docs/operations.md); either way, run {@code confide erasure reapply}
   * after a restore.
   */
  public void backupTo(java.nio.file.Path zip) {
    if (backend != Backend.H2) {
      throw new UnsupportedOperationException("use pg_dump for PostgreSQL backups");
    }
    jdbi.useHandle(h -> h.execute("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'"));
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** Drops a pooled connection whenever its failure says the database is out of reach. */
  private static final class EvictWhenUnavailable implements SQLExceptionOverride {
    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
      return SqlErrors.isDatabaseUnavailable(e) ? SQLExceptionOverride.Override.MUST_EVICT
          : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
  }

  private static final class UuidArgumentFactory extends AbstractArgumentFactory<UUID> {
    UuidArgumentFactory() {
      super(Types.OTHER);
    }

    @Override
    protected Argument build(UUID value, ConfigRegistry config) {
      return (position, statement, ctx) -> statement.setObject(position, value);
    }
  }

  private static final class InstantArgumentFactory extends AbstractArgumentFactory<Instant> {
    InstantArgumentFactory() {
      super(Types.TIMESTAMP_WITH_TIMEZONE);
    }

    @Override
    protected Argument build(Instant value, ConfigRegistry config) {
      return (position, statement, ctx) ->
          statement.setObject(position, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }
  }
}
