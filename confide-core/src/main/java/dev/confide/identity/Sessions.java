package dev.confide.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Server-side session records behind the sealed session cookie. The cookie carries a random
 * session id; only its SHA-256 is stored. Revoking a row kills the cookie at once, whatever its
 * seal says (log-out, erasure, password change).
 */
public final class Sessions {
  private static final int ID_BYTES = 32;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Jdbi jdbi;
  private final Clock clock;
  private final Duration maxAge;
  private final String table;

  /** A session just opened: the raw id goes only into the sealed cookie. */
  public record Opened(byte[] sessionId, UUID subject, Instant expiresAt) {}

  /** End users' sessions. */
  public Sessions(Jdbi jdbi, Clock clock, Duration maxAge) {
    this(jdbi, clock, maxAge, "sessions");
  }

  private Sessions(Jdbi jdbi, Clock clock, Duration maxAge, String table) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.maxAge = maxAge;
    this.table = table;
  }

  /** Staff sessions live in a table of their own, so no end-user cookie can ever open the staff API. */
  public static Sessions forStaff(Jdbi jdbi, Clock clock, Duration maxAge) {
    return new Sessions(jdbi, clock, maxAge, "staff_sessions");
  }

  public Opened open(UUID subject) {
    byte[] id = Secrets.randomBytes(ID_BYTES);
    Instant now = clock.instant();
    Instant expires = now.plus(maxAge);
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO %s (session_hash, subject_id, created_at, last_seen_at, expires_at)
            VALUES (:hash, :subject, :now, :now, :expires)""".formatted(table))
        .bind("hash", Secrets.sha256(id)).bind("subject", subject).bind("now", now).bind("expires", expires)
        .execute());
    return new Opened(id, subject, expires);
  }

  /** The session's subject while it is neither revoked nor expired. */
  public Optional<UUID> resolve(byte[] sessionId) {
    if (sessionId == null || sessionId.length != ID_BYTES) {
      return Optional.empty();
    }
    byte[] hash = Secrets.sha256(sessionId);
    Instant now = clock.instant();
    record Row(UUID subject, Instant lastSeen) {}
    Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
            SELECT subject_id, last_seen_at FROM %s
            WHERE session_hash = :hash AND revoked_at IS NULL AND expires_at > :now""".formatted(table))
        .bind("hash", hash).bind("now", now)
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, java.time.OffsetDateTime.class).toInstant()))
        .findOne());
    row.filter(r -> r.lastSeen().plus(TOUCH_EVERY).isBefore(now)).ifPresent(r ->
        jdbi.useHandle(h -> h.createUpdate("UPDATE " + table + " SET last_seen_at = :now WHERE session_hash = :hash")
            .bind("now", now).bind("hash", hash).execute()));
    return row.map(Row::subject);
  }

  public void revoke(byte[] sessionId) {
    jdbi.useHandle(h -> h.createUpdate(
            "UPDATE " + table + " SET revoked_at = :now WHERE session_hash = :hash AND revoked_at IS NULL")
        .bind("now", clock.instant()).bind("hash", Secrets.sha256(sessionId)).execute());
  }

  /** Revokes every session of the subject but {@code keep} (after a password change: the others may be an intruder's). */
  public int revokeAllExcept(UUID subject, byte[] keep) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE " + table
            + " SET revoked_at = :now WHERE subject_id = :subject AND revoked_at IS NULL AND session_hash <> :keep")
        .bind("now", clock.instant()).bind("subject", subject).bind("keep", Secrets.sha256(keep)).execute());
  }

  /** Revokes every session of the subject; returns how many were live. */
  public int revokeAll(UUID subject) {
    return jdbi.withHandle(h -> h.createUpdate(
            "UPDATE " + table + " SET revoked_at = :now WHERE subject_id = :subject AND revoked_at IS NULL")
        .bind("now", clock.instant()).bind("subject", subject).execute());
  }
}
