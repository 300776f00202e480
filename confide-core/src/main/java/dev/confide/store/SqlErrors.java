package dev.confide.store;

import java.sql.SQLException;

/** Reads the portable meaning out of driver exceptions. */
public final class SqlErrors {
  private SqlErrors() {}

  /** True when a unique constraint refused the write (SQLSTATE 23505 on H2 and PostgreSQL). */
  public static boolean isUniqueViolation(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
