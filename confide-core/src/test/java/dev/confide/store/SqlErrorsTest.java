package dev.confide.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.problem.Problem;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** How failures are told apart for the client: storage full, database out of reach, anything else. */
class SqlErrorsTest {
  @Test
  void aPoolTimeOutIsUnavailabilityEvenWithoutAnSqlState() {
    // Hikari's time-out carries no SQLState; classifying it once threw a NullPointerException.
    Exception timeout = new ConnectionException(new SQLTransientConnectionException("Connection is not available"));
    assertThat(SqlErrors.isStorageFull(timeout)).isFalse();
    assertThat(SqlErrors.isDatabaseUnavailable(timeout)).isTrue();
  }

  @Test
  void storageFullIsRecognisedByStateOrByTheOperatingSystemsMessage() {
    assertThat(SqlErrors.isStorageFull(new SQLException("could not extend file", "53100"))).isTrue();
    assertThat(SqlErrors.isStorageFull(new RuntimeException(new java.io.IOException("No space left on device")))).isTrue();
    assertThat(SqlErrors.isStorageFull(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(SqlErrors.isStorageFull(new SQLException("no state"))).isFalse();
  }

  @Test
  void aDuplicateKeyBecomesAConflictAndAnythingElseIsThrownAsItWas() {
    RuntimeException duplicate = new IllegalStateException(new SQLException("duplicate key", "23505"));
    RuntimeException other = new IllegalStateException(new SQLException("deadlock", "40P01"));

    assertThat(SqlErrors.conflictIfDuplicate(duplicate, "email_taken", "taken"))
        .isInstanceOfSatisfying(Problem.class, p -> {
          assertThat(p.kind()).isEqualTo(Problem.Kind.CONFLICT);
          assertThat(p.code()).isEqualTo("email_taken");
        });
    assertThat(SqlErrors.conflictIfDuplicate(other, "email_taken", "taken")).isSameAs(other);
  }
}
