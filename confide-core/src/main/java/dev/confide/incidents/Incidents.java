package dev.confide.incidents;

import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
import dev.confide.audit.AuditLog;
import dev.confide.audit.BreakGlassGrants;
import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.store.SqlErrors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Breach incidents (P33): recording, scoping, the regulator and HIPAA clocks, reminders, notices
 * to affected subjects and the regulator report. Every change is written to the timeline and the
 * audit log in the transaction that makes it.
 */
public final class Incidents {
  /** GDPR Art. 33; a policy file may promise less ({@code breach.regulatorHours}). */
  public static final Duration REGULATOR_WINDOW = Duration.ofHours(72);
  /** HIPAA 45 CFR 164.404: from the day the breach is discovered. */
  public static final Duration HIPAA_WINDOW = Duration.ofDays(60);
  public static final String NOTICE_TEMPLATE = "breach_notice";

  private static final int MAX_DESCRIPTION = 4000;
  private static final int MAX_NOTE = 2000;
  private static final int MAX_CATEGORIES = 20;
  private static final int MAX_PARAMS = 20;
  private static final int NOTICE_BATCH = 500;
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** A reminder sent when less than {@code lead} remains before its deadline. */
  private record Lead(String kind, Duration lead) {}

  private static final List<Lead> REGULATOR_LEADS = List.of(new Lead("regulator_24h", Duration.ofHours(24)),
      new Lead("regulator_12h", Duration.ofHours(12)), new Lead("regulator_2h", Duration.ofHours(2)));
  private static final List<Lead> HIPAA_LEADS = List.of(new Lead("hipaa_7d", Duration.ofDays(7)),
      new Lead("hipaa_1d", Duration.ofDays(1)));

  /** What one {@link #notifyAffected} call did. */
  public record NoticeRun(int sent, int failed, long stillPending) {}

  /** A reminder {@link #runReminders} sent, and to how many staff members. */
  public record SentReminder(UUID incidentId, String kind, int recipients) {}

  private final Jdbi jdbi;
  private final AuditLog audit;
  private final ScopeResolver scopes;
  private final StaffDirectory staff;
  private final IncidentNotifier notifier;
  private final Duration regulatorWindow;
  private final Clock clock;

  /** With the statutory 72 hours to tell the regulator. */
  public Incidents(Jdbi jdbi, AuditLog audit, BreakGlassGrants grants, StaffDirectory staff, IncidentNotifier notifier,
      Clock clock) {
    this(jdbi, audit, grants, staff, notifier, REGULATOR_WINDOW, clock);
  }

  /** @param regulatorWindow how long after awareness the regulator must be told, as the policy promises */
  public Incidents(Jdbi jdbi, AuditLog audit, BreakGlassGrants grants, StaffDirectory staff, IncidentNotifier notifier,
      Duration regulatorWindow, Clock clock) {
    if (regulatorWindow.isNegative() || regulatorWindow.isZero()) {
      throw new IllegalArgumentException("the regulator window must be positive");
    }
    this.regulatorWindow = regulatorWindow;
    this.jdbi = jdbi;
    this.audit = audit;
    this.scopes = new ScopeResolver(grants);
    this.staff = staff;
    this.notifier = notifier;
    this.clock = clock;
  }

  public Incident create(NewIncident incident, UUID staffId) {
    Instant now = now();
    Instant aware = requirePast(incident.awareAt(), "aware_at", now);
    Instant detected = incident.detectedAt() == null ? aware : requirePast(incident.detectedAt(), "detected_at", now);
    if (detected.isAfter(aware)) {
      throw Problem.invalid("invalid_detected_at", "detectedAt must not be after awareAt");
    }
    String description = text("description", incident.description(), MAX_DESCRIPTION, true);
    List<String> categories = categories(incident.categories());
    UUID id = UUID.randomUUID();
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO incidents (id, detected_at, aware_at, description, categories, status, regulator_deadline,
                                     created_by, created_at, updated_at)
              VALUES (:id, :detected, :aware, :description, :categories, 'open', :deadline, :staff, :now, :now)""")
          .bind("id", id).bind("detected", detected).bind("aware", aware).bind("description", description)
          .bind("categories", String.join(",", categories)).bind("deadline", aware.plus(regulatorWindow))
          .bind("staff", staffId).bind("now", now)
          .execute();
      timeline(h, id, "created", "detected " + detected + ", aware " + aware + ", categories " + String.join(", ", categories),
          staffId, now);
      AuditEvent change = changed(staffId, id, "created").with("categories", categories.size());
      if (incident.scope() != null) {
        change = change.with("added", applyScope(h, id, incident.scope(), staffId, now));
      }
      audit.append(h, change);
    });
    return require(id);
  }

  /** Adds the subjects a further scope finds; those already listed keep their notice state. */
  public Incident widenScope(UUID id, IncidentScope scope, UUID staffId) {
    Instant now = now();
    jdbi.useTransaction(h -> {
      lockOpen(h, id, now);
      audit.append(h, changed(staffId, id, "scope").with("added", applyScope(h, id, scope, staffId, now)));
    });
    return require(id);
  }

  /**
   * Moves the incident forward. Moving to {@code NOTIFIED} records the regulator notification as of
   * now when none is recorded yet, as {@link #markRegulatorNotified} does.
   */
  public Incident transition(UUID id, IncidentStatus to, UUID staffId, String note) {
    Instant now = now();
    String cleanNote = text("note", note, MAX_NOTE, false);
    jdbi.useTransaction(h -> {
      IncidentStatus from = lockOpen(h, id, now);
      if (to.ordinal() <= from.ordinal()) {
        throw new Problem(Problem.Kind.CONFLICT, "invalid_transition", "an incident moves forward only, from " + from.wireName());
      }
      Incident current = read(h, id, now).orElseThrow();
      if (to == IncidentStatus.CLOSED && cleanNote == null && (current.regulatorNotifiedAt() == null || current.noticesPending() > 0)) {
        // Closing stops the reminders and the notices for good: the record must say why that was right.
        throw Problem.invalid("close_reason_required", "closing before the regulator is notified and every affected person"
            + " is told needs a note saying why (for example: not reportable, no risk to people's rights and freedoms)");
      }
      if (to == IncidentStatus.NOTIFIED && current.regulatorNotifiedAt() == null) {
        recordRegulatorNotified(h, current, now, staffId, now, cleanNote);
        return;
      }
      h.createUpdate("UPDATE incidents SET status = :status WHERE id = :id").bind("status", to.wireName()).bind("id", id).execute();
      timeline(h, id, "status", from.wireName() + " -> " + to.wireName() + (cleanNote == null ? "" : ": " + cleanNote), staffId, now);
      audit.append(h, changed(staffId, id, "status").with("status", to));
    });
    return require(id);
  }

  /** Records a measure taken (containment, remediation); measures appear in the regulator report. */
  public Incident recordMeasure(UUID id, String measure, UUID staffId) {
    Instant now = now();
    String text = text("measure", measure, MAX_NOTE, true);
    jdbi.useTransaction(h -> {
      lockOpen(h, id, now);
      timeline(h, id, "measure", text, staffId, now);
      audit.append(h, changed(staffId, id, "measure"));
    });
    return require(id);
  }

  /**
   * Records that the supervisory authority was notified (at {@code notifiedAt}, or now when null);
   * this stops the regulator clock and moves an open or contained incident to {@code NOTIFIED}.
   */
  public Incident markRegulatorNotified(UUID id, Instant notifiedAt, UUID staffId) {
    Instant now = now();
    Instant at = notifiedAt == null ? now : requirePast(notifiedAt, "notified_at", now);
    jdbi.useTransaction(h -> {
      lockOpen(h, id, now);
      recordRegulatorNotified(h, read(h, id, now).orElseThrow(), at, staffId, now, null);
    });
    return require(id);
  }

  private void recordRegulatorNotified(Handle h, Incident current, Instant at, UUID staffId, Instant now, String note) {
    if (current.regulatorNotifiedAt() != null) {
      throw new Problem(Problem.Kind.CONFLICT, "already_notified", "the regulator notification is already recorded");
    }
    if (at.isBefore(current.awareAt())) {
      throw Problem.invalid("invalid_notified_at", "the regulator cannot have been notified before awareness");
    }
    boolean late = at.isAfter(current.regulatorDeadline());
    IncidentStatus next = current.status().ordinal() < IncidentStatus.NOTIFIED.ordinal() ? IncidentStatus.NOTIFIED : current.status();
    h.createUpdate("UPDATE incidents SET regulator_notified_at = :at, status = :status WHERE id = :id")
        .bind("at", at).bind("status", next.wireName()).bind("id", current.id()).execute();
    timeline(h, current.id(), "regulator_notified", "regulator notified at " + at + (late ? " (after the deadline)" : "")
        + (note == null ? "" : ": " + note), staffId, now);
    audit.append(h, changed(staffId, current.id(), "regulator_notified").with("status", next).with("late", late));
  }

  /**
   * Sends the breach notice to every affected subject whose notice is still pending, through the
   * notifier, and marks each sent. A subject whose delivery throws stays pending for the next call.
   *
   * @param templateParams values for the notice template, the same for every subject (e.g. what
   *     happened, what we are doing, whom to contact): short names, text up to 2,000 characters
   */
  public NoticeRun notifyAffected(UUID id, Map<String, String> templateParams, UUID staffId) {
    Incident incident = require(id);
    if (incident.status() == IncidentStatus.CLOSED) {
      throw closed();
    }
    IncidentNotifier.Notice notice = new IncidentNotifier.Notice(id, NOTICE_TEMPLATE, incident.awareAt(),
        incident.categories(), params(templateParams));
    int sent = 0;
    int failed = 0;
    UUID after = null;
    while (true) {
      List<UUID> batch = pendingNotices(id, after);
      for (UUID subject : batch) {
        try {
          notifier.notifySubject(subject, notice);
          markSent(id, subject);
          sent++;
        } catch (RuntimeException e) {
          failed++;
        }
      }
      if (batch.size() < NOTICE_BATCH) {
        break;
      }
      after = batch.get(batch.size() - 1);
    }
    Instant now = now();
    int sentCount = sent;
    int failedCount = failed;
    jdbi.useTransaction(h -> {
      timeline(h, id, "notices", sentCount + " notice(s) sent, " + failedCount + " failed", staffId, now);
      audit.append(h, changed(staffId, id, "notices").with("sent", sentCount).with("failed", failedCount));
    });
    return new NoticeRun(sent, failed, require(id).noticesPending());
  }

  /** {@code pending} or {@code sent}, or empty when the subject is not affected by the incident. */
  public Optional<String> noticeStatus(UUID id, UUID subject) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT notice_status FROM incident_subjects WHERE incident_id = :id AND subject_id = :s")
        .bind("id", id).bind("s", subject).mapTo(String.class).findOne());
  }

  /**
   * Sends the deadline reminders that have come due to every staff member with the security or
   * privacy officer role: 24, 12 and 2 hours before the regulator deadline and once it is overdue
   * (until the regulator is notified); 7 days and 1 day before the HIPAA deadline and once overdue
   * (while a HIPAA subject's notice is pending). Only the most urgent due reminder of each clock is
   * sent, each at most once per incident. Called by a scheduled job.
   */
  public List<SentReminder> runReminders() {
    Instant now = now();
    List<UUID> recipients = staff.list().stream()
        .filter(m -> m.roles().contains(StaffRole.SECURITY) || m.roles().contains(StaffRole.PRIVACY_OFFICER))
        .map(StaffDirectory.Member::id)
        .toList();
    List<SentReminder> sent = new ArrayList<>();
    if (recipients.isEmpty()) {
      return sent; // nothing recorded: the reminders go out once someone can receive them
    }
    List<Incident> open = jdbi.withHandle(h -> h.createQuery(select("WHERE status <> 'closed' ORDER BY regulator_deadline"))
        .map((rs, ctx) -> incident(rs, now)).list());
    for (Incident incident : open) {
      if (incident.regulatorNotifiedAt() == null) {
        due(REGULATOR_LEADS, "regulator_overdue", incident.regulatorDeadline(), now)
            .flatMap(kind -> remind(incident, kind, incident.regulatorDeadline(), recipients, now))
            .ifPresent(sent::add);
      }
      boolean hipaaPending = incident.hipaaDeadline() != null && hipaaNoticesPending(incident.id()) > 0;
      if (hipaaPending) {
        due(HIPAA_LEADS, "hipaa_overdue", incident.hipaaDeadline(), now)
            .flatMap(kind -> remind(incident, kind, incident.hipaaDeadline(), recipients, now))
            .ifPresent(sent::add);
      }
    }
    return sent;
  }

  /** The Markdown report for the supervisory authority: facts, scope as counts, measures, deadlines, timeline. */
  public String regulatorReport(UUID id) {
    Incident incident = require(id);
    return RegulatorReport.render(incident, timeline(id), now());
  }

  public Optional<Incident> get(UUID id) {
    Instant now = now();
    return jdbi.withHandle(h -> read(h, id, now));
  }

  /** Most recent awareness first. */
  public List<Incident> list(int limit) {
    Instant now = now();
    return jdbi.withHandle(h -> h.createQuery(select("ORDER BY aware_at DESC, id LIMIT :limit"))
        .bind("limit", limit).map((rs, ctx) -> incident(rs, now)).list());
  }

  public List<Incident.Event> timeline(UUID id) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT occurred_at, kind, actor_id, note FROM incident_events WHERE incident_id = :id ORDER BY seq")
        .bind("id", id)
        .map((rs, ctx) -> new Incident.Event(instant(rs, "occurred_at"), rs.getString("kind"),
            rs.getObject("actor_id", UUID.class), rs.getString("note")))
        .list());
  }

  private int applyScope(Handle h, UUID id, IncidentScope scope, UUID staffId, Instant now) {
    int added = scopes.apply(h, id, scope, now);
    h.createUpdate("""
            UPDATE incidents SET hipaa_deadline = :deadline
            WHERE id = :id AND hipaa_deadline IS NULL
              AND EXISTS (SELECT 1 FROM incident_subjects s WHERE s.incident_id = :id AND s.hipaa)""")
        .bind("deadline", read(h, id, now).orElseThrow().detectedAt().plus(HIPAA_WINDOW)).bind("id", id)
        .execute();
    timeline(h, id, "scope", scope.describe() + ": " + added + " subject(s) added", staffId, now);
    return added;
  }

  private static Optional<String> due(List<Lead> leads, String overdueKind, Instant deadline, Instant now) {
    if (now.isAfter(deadline)) {
      return Optional.of(overdueKind);
    }
    String due = null;
    for (Lead lead : leads) { // ordered from the longest lead to the shortest: the last one due wins
      if (!now.isBefore(deadline.minus(lead.lead()))) {
        due = lead.kind();
      }
    }
    return Optional.ofNullable(due);
  }

  private Optional<SentReminder> remind(Incident incident, String kind, Instant deadline, List<UUID> recipients, Instant now) {
    IncidentNotifier.Reminder reminder = new IncidentNotifier.Reminder(incident.id(), kind, deadline, now.isAfter(deadline));
    try {
      return jdbi.inTransaction(h -> {
        boolean alreadySent = h.createQuery("SELECT COUNT(*) FROM incident_reminders WHERE incident_id = :id AND reminder = :kind")
            .bind("id", incident.id()).bind("kind", kind).mapTo(Integer.class).one() > 0;
        if (alreadySent) {
          return Optional.empty();
        }
        // Recorded first: a second runner blocks on this row and then finds it taken.
        h.createUpdate("INSERT INTO incident_reminders (incident_id, reminder, recipients, sent_at) VALUES (:id, :kind, :n, :now)")
            .bind("id", incident.id()).bind("kind", kind).bind("n", recipients.size()).bind("now", now).execute();
        recipients.forEach(member -> notifier.remindStaff(member, reminder));
        timeline(h, incident.id(), "reminder", kind + " sent to " + recipients.size() + " staff member(s)", null, now);
        return Optional.of(new SentReminder(incident.id(), kind, recipients.size()));
      });
    } catch (RuntimeException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private List<UUID> pendingNotices(UUID id, UUID after) {
    return jdbi.withHandle(h -> {
      var query = h.createQuery("SELECT subject_id FROM incident_subjects WHERE incident_id = :id "
              + "AND notice_status = 'pending'" + (after == null ? "" : " AND subject_id > :after")
              + " ORDER BY subject_id LIMIT :limit")
          .bind("id", id).bind("limit", NOTICE_BATCH);
      if (after != null) {
        query.bind("after", after);
      }
      return query.mapTo(UUID.class).list();
    });
  }

  private void markSent(UUID id, UUID subject) {
    Instant now = now();
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE incident_subjects SET notice_status = 'sent', notice_sent_at = :now
            WHERE incident_id = :id AND subject_id = :s AND notice_status = 'pending'""")
        .bind("now", now).bind("id", id).bind("s", subject).execute());
  }

  private long hipaaNoticesPending(UUID id) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT COUNT(*) FROM incident_subjects WHERE incident_id = :id AND hipaa AND notice_status = 'pending'")
        .bind("id", id).mapTo(Long.class).one());
  }

  /** Locks the incident row for the change and returns its status; refuses a closed incident. */
  private IncidentStatus lockOpen(Handle h, UUID id, Instant now) {
    int found = h.createUpdate("UPDATE incidents SET updated_at = :now WHERE id = :id").bind("now", now).bind("id", id).execute();
    if (found == 0) {
      throw Problem.notFound("no such incident");
    }
    IncidentStatus status = IncidentStatus.fromWireName(
        h.createQuery("SELECT status FROM incidents WHERE id = :id").bind("id", id).mapTo(String.class).one());
    if (status == IncidentStatus.CLOSED) {
      throw closed();
    }
    return status;
  }

  private static void timeline(Handle h, UUID id, String kind, String note, UUID actor, Instant now) {
    h.createUpdate("""
            INSERT INTO incident_events (id, incident_id, kind, note, actor_id, occurred_at)
            VALUES (:eid, :id, :kind, :note, :actor, :now)""")
        .bind("eid", UUID.randomUUID()).bind("id", id).bind("kind", kind)
        .bind("note", note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE) : note)
        .bind("actor", actor).bind("now", now)
        .execute();
  }

  private static AuditEvent changed(UUID staffId, UUID incident, String change) {
    return AuditEvent.of(Actor.staff(staffId), AuditActions.INCIDENT_CHANGED).on("incident", incident).with("change", change);
  }

  private Incident require(UUID id) {
    return get(id).orElseThrow(() -> Problem.notFound("no such incident"));
  }

  private Optional<Incident> read(Handle h, UUID id, Instant now) {
    return h.createQuery(select("WHERE id = :id")).bind("id", id).map((rs, ctx) -> incident(rs, now)).findOne();
  }

  private static String select(String rest) {
    return """
        SELECT i.*,
          (SELECT COUNT(*) FROM incident_subjects s WHERE s.incident_id = i.id) AS affected,
          (SELECT COUNT(*) FROM incident_subjects s WHERE s.incident_id = i.id AND s.hipaa) AS hipaa_affected,
          (SELECT COUNT(*) FROM incident_subjects s WHERE s.incident_id = i.id AND s.notice_status = 'sent') AS sent,
          (SELECT COUNT(*) FROM incident_subjects s WHERE s.incident_id = i.id AND s.hipaa AND s.notice_status = 'pending')
            AS hipaa_pending
        FROM incidents i
        """ + rest;
  }

  private static Incident incident(ResultSet rs, Instant now) throws SQLException {
    IncidentStatus status = IncidentStatus.fromWireName(rs.getString("status"));
    boolean closed = status == IncidentStatus.CLOSED;
    Instant regulatorDeadline = instant(rs, "regulator_deadline");
    Instant hipaaDeadline = instant(rs, "hipaa_deadline");
    Instant notified = instant(rs, "regulator_notified_at");
    long affected = rs.getLong("affected");
    long sent = rs.getLong("sent");
    return new Incident(rs.getObject("id", UUID.class), instant(rs, "detected_at"), instant(rs, "aware_at"),
        rs.getString("description"), List.of(rs.getString("categories").split(",")), status,
        regulatorDeadline, hipaaDeadline, notified,
        !closed && notified == null && now.isAfter(regulatorDeadline),
        !closed && hipaaDeadline != null && now.isAfter(hipaaDeadline) && rs.getLong("hipaa_pending") > 0,
        affected, rs.getLong("hipaa_affected"), sent, affected - sent,
        rs.getObject("created_by", UUID.class), instant(rs, "created_at"), instant(rs, "updated_at"));
  }

  private static Instant requirePast(Instant value, String field, Instant now) {
    if (value == null) {
      throw Problem.invalid(field + "_required", field + " is required");
    }
    if (value.isAfter(now)) {
      throw Problem.invalid("invalid_" + field, field + " must not be in the future");
    }
    return value.truncatedTo(ChronoUnit.MICROS);
  }

  private static String text(String field, String value, int max, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw Problem.invalid(field + "_required", field + " must not be empty");
      }
      return null;
    }
    if (value.strip().length() > max) {
      throw Problem.invalid(field + "_too_long", field + " must be at most " + max + " characters");
    }
    return value.strip();
  }

  private static List<String> categories(List<String> categories) {
    if (categories == null || categories.isEmpty()) {
      throw Problem.invalid("categories_required", "name at least one category of data");
    }
    if (categories.size() > MAX_CATEGORIES) {
      throw Problem.invalid("invalid_category", "at most " + MAX_CATEGORIES + " categories");
    }
    for (String c : categories) {
      if (c == null || !NAME.matcher(c).matches()) {
        throw Problem.invalid("invalid_category", "categories are short lower-case names such as contact_data");
      }
    }
    return categories.stream().distinct().toList();
  }

  private static Map<String, String> params(Map<String, String> params) {
    Map<String, String> given = params == null ? Map.of() : params;
    if (given.size() > MAX_PARAMS) {
      throw Problem.invalid("invalid_template_params", "at most " + MAX_PARAMS + " template values");
    }
    given.forEach((k, v) -> {
      if (k == null || !NAME.matcher(k).matches() || v == null || v.length() > MAX_NOTE) {
        throw Problem.invalid("invalid_template_params", "template values have short lower-case names and at most "
            + MAX_NOTE + " characters");
      }
    });
    return Map.copyOf(given);
  }

  private static Problem closed() {
    return new Problem(Problem.Kind.CONFLICT, "incident_closed", "the incident is closed");
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
