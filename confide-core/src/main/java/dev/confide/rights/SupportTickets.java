package dev.confide.rights;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Communication data (P11): support tickets, sealed with the subject's key like any content. */
public final class SupportTickets {
  private static final int MAX_SUBJECT = 200;
  private static final int MAX_BODY = 20_000;
  /** Tickets one subject may open in any 24 hours: enough for anyone with a problem, not for a flood. */
  public static final int TICKETS_PER_DAY = 20;
  private static final DailyAllowance TICKETS = new DailyAllowance(TICKETS_PER_DAY, "ticket_limit",
      "at most " + TICKETS_PER_DAY + " support tickets a day");

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final Clock clock;

  public record Ticket(UUID id, String subject, String body, String status, Instant createdAt) {}

  public SupportTickets(Jdbi jdbi, SubjectKeys subjectKeys, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.clock = clock;
  }

  public Ticket open(UUID owner, String subject, String body) {
    String title = require("subject", subject, MAX_SUBJECT);
    String text = require("body", body, MAX_BODY);
    Instant now = clock.instant();
    TICKETS.require(jdbi.withHandle(h -> h.createQuery(
            "SELECT created_at FROM support_tickets WHERE subject_id = :s AND created_at > :since ORDER BY created_at LIMIT :n")
        .bind("s", owner).bind("since", DailyAllowance.windowStart(now)).bind("n", TICKETS_PER_DAY)
        .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .list()), now);
    UUID id = UUID.randomUUID();
    Sealer sealer = subjectKeys.sealer(owner);
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO support_tickets (id, subject_id, subject_sealed, body_sealed, status, created_at)
            VALUES (:id, :s, :title, :body, 'open', :now)""")
        .bind("id", id).bind("s", owner)
        .bind("title", sealer.sealString(FieldRef.of("support_tickets", "subject", id), title))
        .bind("body", sealer.sealString(FieldRef.of("support_tickets", "body", id), text))
        .bind("now", now).execute());
    return new Ticket(id, title, text, "open", now);
  }

  public List<Ticket> of(UUID owner) {
    Sealer sealer = subjectKeys.sealer(owner);
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT id, subject_sealed, body_sealed, status, created_at FROM support_tickets WHERE subject_id = :s ORDER BY created_at, id")
        .bind("s", owner)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          return new Ticket(id, sealer.openString(FieldRef.of("support_tickets", "subject", id), rs.getBytes(2)),
              sealer.openString(FieldRef.of("support_tickets", "body", id), rs.getBytes(3)), rs.getString(4),
              rs.getObject(5, OffsetDateTime.class).toInstant());
        })
        .list());
  }

  private static String require(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw Problem.invalid("invalid_" + field, field + " must not be empty");
    }
    if (value.length() > max) {
      throw Problem.invalid("invalid_" + field, field + " must be at most " + max + " characters");
    }
    return value.strip();
  }
}
