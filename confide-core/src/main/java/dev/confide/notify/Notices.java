package dev.confide.notify;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * In-app notices (P33, P35): policy updates, breach notices and the like, shown to the subject
 * until acknowledged. Title and body may name the subject's own data (a breach notice says what
 * was affected), so both are sealed with the subject's key.
 */
public final class Notices {
  private static final String TABLE = "notices";
  private static final int MAX_TITLE = 200;
  private static final int MAX_BODY = 20_000;
  private static final int MAX_LISTED = 200;

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final Clock clock;

  /** A notice as the subject sees it; {@code acknowledgedAt} is null until acknowledged. */
  public record Notice(UUID id, NoticeKind kind, String title, String body, boolean requiresAck, Instant createdAt,
      Instant acknowledgedAt) {

    public boolean pendingAck() {
      return requiresAck && acknowledgedAt == null;
    }
  }

  public Notices(Jdbi jdbi, SubjectKeys subjectKeys, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.clock = clock;
  }

  /** Posts a notice in the caller's transaction. */
  public UUID post(Handle handle, UUID subject, NoticeKind kind, String title, String body, boolean requiresAck) {
    String cleanTitle = require("title", title, MAX_TITLE);
    String cleanBody = require("body", body, MAX_BODY);
    UUID id = UUID.randomUUID();
    Sealer sealer = subjectKeys.sealer(subject);
    handle.createUpdate("""
            INSERT INTO notices (id, subject_id, kind, title_sealed, body_sealed, requires_ack, created_at)
            VALUES (:id, :s, :kind, :title, :body, :ack, :now)""")
        .bind("id", id).bind("s", subject).bind("kind", kind.wireName())
        .bind("title", sealer.sealString(FieldRef.of(TABLE, "title", id), cleanTitle))
        .bind("body", sealer.sealString(FieldRef.of(TABLE, "body", id), cleanBody))
        .bind("ack", requiresAck).bind("now", clock.instant())
        .execute();
    return id;
  }

  /** Posts a notice in a transaction of its own. */
  public UUID post(UUID subject, NoticeKind kind, String title, String body, boolean requiresAck) {
    return jdbi.inTransaction(h -> post(h, subject, kind, title, body, requiresAck));
  }

  /** The subject's notices: unacknowledged first, then newest first; at most 200. */
  public List<Notice> list(UUID subject) {
    Sealer sealer = subjectKeys.sealer(subject);
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, kind, title_sealed, body_sealed, requires_ack, created_at, acknowledged_at FROM notices
            WHERE subject_id = :s
            ORDER BY CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END, seq DESC
            LIMIT :limit""")
        .bind("s", subject).bind("limit", MAX_LISTED)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          OffsetDateTime acknowledged = rs.getObject(7, OffsetDateTime.class);
          return new Notice(id, NoticeKind.fromWireName(rs.getString(2)),
              sealer.openString(FieldRef.of(TABLE, "title", id), rs.getBytes(3)),
              sealer.openString(FieldRef.of(TABLE, "body", id), rs.getBytes(4)),
              rs.getBoolean(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
              acknowledged == null ? null : acknowledged.toInstant());
        })
        .list());
  }

  /**
   * Marks the notice acknowledged (a repeat changes nothing).
   *
   * @throws Problem NOT_FOUND when the notice does not exist or is another subject's
   */
  public void acknowledge(UUID subject, UUID notice) {
    jdbi.useTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE notices SET acknowledged_at = :now
              WHERE id = :id AND subject_id = :s AND acknowledged_at IS NULL""")
          .bind("now", clock.instant()).bind("id", notice).bind("s", subject).execute();
      if (updated == 0) {
        boolean owned = h.createQuery("SELECT COUNT(*) FROM notices WHERE id = :id AND subject_id = :s")
            .bind("id", notice).bind("s", subject).mapTo(Integer.class).one() > 0;
        if (!owned) {
          throw Problem.notFound("no such notice");
        }
      }
    });
  }

  /** How many notices still wait for the subject's acknowledgement. */
  public int pendingAck(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT COUNT(*) FROM notices WHERE subject_id = :s AND requires_ack = TRUE AND acknowledged_at IS NULL""")
        .bind("s", subject).mapTo(Integer.class).one());
  }

  int deleteSubject(Handle handle, UUID subject) {
    return handle.createUpdate("DELETE FROM notices WHERE subject_id = :s").bind("s", subject).execute();
  }

  private static String require(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw Problem.invalid("invalid_notice_" + field, "the notice " + field + " must not be empty");
    }
    if (value.length() > max) {
      throw Problem.invalid("invalid_notice_" + field, "the notice " + field + " must be at most " + max + " characters");
    }
    return value.strip();
  }
}
