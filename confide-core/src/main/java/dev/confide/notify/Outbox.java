package dev.confide.notify;

import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.identity.EmailAddress;
import dev.confide.identity.MailRecipients;
import dev.confide.problem.Problem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The transactional mail outbox. A mail is rendered and queued inside the caller's transaction, so
 * it goes out exactly when the change that caused it commits; {@link MailDispatcher} sends it.
 * Product and marketing mail is checked against the recipient's communication preferences and
 * whether their address is verified first and, when either says no, only recorded as
 * {@code suppressed} (P37). The rendered mail and the
 * address are sealed with the recipient's key.
 */
public final class Outbox {
  static final String TABLE = "mail_outbox";

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final MailRecipients recipients;
  private final SubjectSettings settings;
  private final MailTemplates templates;
  private final Clock clock;

  /** What is kept about a mail once it is sent: no address, no text. */
  public record MailRecord(UUID id, MailKind kind, String template, MailStatus status, int attempts,
      Instant createdAt, Instant nextAttemptAt, Instant sentAt) {}

  public Outbox(Jdbi jdbi, SubjectKeys subjectKeys, MailRecipients recipients, SubjectSettings settings,
      MailTemplates templates, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.recipients = recipients;
    this.settings = settings;
    this.templates = templates;
    this.clock = clock;
  }

  /**
   * Queues a mail to the subject's stored address (account or staff member) in the caller's
   * transaction.
   *
   * @return the mail's id; see {@link #find} for whether it was suppressed
   * @throws Problem NOT_FOUND ({@code no_recipient}) when the subject has no address
   */
  public UUID enqueue(Handle handle, UUID subject, MailKind kind, String template, Map<String, String> params) {
    return queue(handle, subject, null, kind, template, params);
  }

  /** As {@link #enqueue(Handle, UUID, MailKind, String, Map)}, in a transaction of its own. */
  public UUID enqueue(UUID subject, MailKind kind, String template, Map<String, String> params) {
    return jdbi.inTransaction(h -> enqueue(h, subject, kind, template, params));
  }

  /**
   * Queues a mail to an address that is not (yet) the stored one, such as a verification code for
   * a new email address. It is still the subject's mail: sealed with their key, erased with them.
   */
  public UUID enqueueTo(Handle handle, UUID subject, String address, MailKind kind, String template,
      Map<String, String> params) {
    return queue(handle, subject, EmailAddress.normalize(address), kind, template, params);
  }

  /** The subject's mail, newest first, without addresses or text (for the access report). */
  public List<MailRecord> history(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery(SELECT_RECORD + " WHERE subject_id = :s ORDER BY created_at DESC, id")
        .bind("s", subject).map((rs, ctx) -> record(rs)).list());
  }

  public Optional<MailRecord> find(UUID mail) {
    return jdbi.withHandle(h -> h.createQuery(SELECT_RECORD + " WHERE id = :id")
        .bind("id", mail).map((rs, ctx) -> record(rs)).findOne());
  }

  /** Deletes every row of the subject's mail, sent or not (erasure). */
  int deleteSubject(Handle handle, UUID subject) {
    return handle.createUpdate("DELETE FROM mail_outbox WHERE subject_id = :s").bind("s", subject).execute();
  }

  /**
   * Whether a mail of this kind may go to the subject. Restriction (P26) leaves storage only, so it
   * stops product and marketing mail too; an objection to marketing (P28) stops marketing mail. An
   * account's address that was never verified may be a stranger's, who agreed to nothing: it gets
   * legal mail only.
   */
  boolean allows(Handle handle, UUID subject, MailKind kind) {
    if (kind == MailKind.LEGAL) {
      return true;
    }
    if (!recipients.addressVerified(handle, subject)) {
      return false;
    }
    Settings s = settings.get(subject);
    if (s.restricted()) {
      return false;
    }
    return switch (kind) {
      case PRODUCT -> s.communication().getOrDefault("productUpdates", true);
      case MARKETING -> s.communication().getOrDefault("marketing", true) && !s.objectsTo("marketing");
      case LEGAL -> true;
    };
  }

  private UUID queue(Handle handle, UUID subject, String address, MailKind kind, String template,
      Map<String, String> params) {
    if (!templates.has(template)) {
      throw new IllegalArgumentException("no mail template named '" + template + "'");
    }
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    if (!allows(handle, subject, kind)) {
      // Nothing is rendered or sealed: the record only shows that the preference was obeyed.
      handle.createUpdate("""
              INSERT INTO mail_outbox (id, subject_id, kind, template, status, attempts, next_attempt_at, created_at)
              VALUES (:id, :s, :kind, :template, 'suppressed', 0, :now, :now)""")
          .bind("id", id).bind("s", subject).bind("kind", kind.wireName()).bind("template", template).bind("now", now)
          .execute();
      return id;
    }
    String to = address != null ? address : recipients.address(handle, subject)
        .orElseThrow(() -> new Problem(Problem.Kind.NOT_FOUND, "no_recipient", "the subject has no email address"));
    MailTemplates.Rendered mail = templates.render(template, params);
    Sealer sealer = subjectKeys.sealer(subject);
    handle.createUpdate("""
            INSERT INTO mail_outbox (id, subject_id, kind, template, status, recipient_sealed, subject_line_sealed,
                                     body_sealed, attempts, next_attempt_at, created_at)
            VALUES (:id, :s, :kind, :template, 'pending', :to, :line, :body, 0, :now, :now)""")
        .bind("id", id).bind("s", subject).bind("kind", kind.wireName()).bind("template", template)
        .bind("to", sealer.sealString(field("recipient", id), to))
        .bind("line", sealer.sealString(field("subject_line", id), mail.subjectLine()))
        .bind("body", sealer.sealString(field("body", id), mail.body()))
        .bind("now", now)
        .execute();
    return id;
  }

  static FieldRef field(String column, UUID mail) {
    return FieldRef.of(TABLE, column, mail);
  }

  private static final String SELECT_RECORD =
      "SELECT id, kind, template, status, attempts, created_at, next_attempt_at, sent_at FROM mail_outbox";

  private static MailRecord record(ResultSet rs) throws SQLException {
    OffsetDateTime sent = rs.getObject(8, OffsetDateTime.class);
    return new MailRecord(rs.getObject(1, UUID.class), MailKind.fromWireName(rs.getString(2)), rs.getString(3),
        MailStatus.fromWireName(rs.getString(4)), rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
        rs.getObject(7, OffsetDateTime.class).toInstant(), sent == null ? null : sent.toInstant());
  }
}
