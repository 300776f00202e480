package dev.confide.store;

import dev.confide.problem.Problem;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Set;

/** Reads the portable meaning out of driver exceptions. */
public final class SqlErrors {
  /**
   * SQLSTATEs that mean the database cannot be reached right now, not that the statement was wrong:
   * PostgreSQL's admin_shutdown, crash_shutdown and cannot_connect_now, and H2's "database is
   * closed" (H2 uses its error code as the state).
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "90098", "90121");
  /** PostgreSQL's disk_full. */
  private static final Set<String> STORAGE_FULL_STATES = Set.of("53100");

  private SqlErrors() {}

  /**
   * What to throw for {@code error}: a 409 {@link Problem} with {@code code} and {@code message} when a
   * unique constraint refused the write (someone already holds that email, that version exists),
   * otherwise {@code error} itself.
   */
  public static RuntimeException conflictIfDuplicate(RuntimeException error, String code, String message) {
    return isUniqueViolation(error) ? new Problem(Problem.Kind.CONFLICT, code, message) : error;
  }

  /** True when a unique constraint refused the write (SQLSTATE 23505 on H2 and PostgreSQL). */
  public static boolean isUniqueViolation(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the failure is the database being out of reach (connection refused or broken, the
   * pool timing out on a connection, the server shutting down): the request may succeed later
   * unchanged, so callers answer 503 rather than 500.
   */
  public static boolean isDatabaseUnavailable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof org.jdbi.v3.core.ConnectionException || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when storage ran out: PostgreSQL's disk_full, or an I/O error with the operating system's
   * ENOSPC or EDQUOT text anywhere in the chain (H2, the erasure ledger, the file outbox).
   */
  public static boolean isStorageFull(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      // Set.of(...).contains(null) throws, and a pool time-out is an SQLException without a state.
      if (t instanceof SQLException sql && sql.getSQLState() != null && STORAGE_FULL_STATES.contains(sql.getSQLState())) {
        return true;
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("no space left on device") || message.contains("disk quota exceeded")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
