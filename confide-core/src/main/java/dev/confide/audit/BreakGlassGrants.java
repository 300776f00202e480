package dev.confide.audit;

import dev.confide.crypto.CannotOpenException;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.SubjectKeys;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Break-glass access (P21): no staff role reads a subject's content except under a live grant for
 * that one subject, with a reason and a ticket reference, for at most an hour. When the deployment
 * requires approval, a privacy officer other than the requester must approve before the hour
 * starts. Every change of a grant and every read under it is an audit entry, written in the same
 * transaction as the change.
 */
public final class BreakGlassGrants {
  public static final int MAX_MINUTES = 60;
  private static final int MAX_REASON = 500;
  private static final Pattern TICKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:#/-]{0,63}");
  private static final Set<StaffRole> MAY_REVOKE_ANY = Set.of(StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN, StaffRole.SECURITY);
  private static final String COLUMNS = "id, staff_id, subject_id, reason_sealed, ticket, minutes, status, requested_at, "
      + "decided_by, decided_at, opened_at, expires_at, closed_at";

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final AuditLog audit;
  private final Clock clock;
  private final boolean requireApproval;

  public BreakGlassGrants(Jdbi jdbi, SubjectKeys subjectKeys, AuditLog audit, Clock clock, boolean requireApproval) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.audit = audit;
    this.clock = clock;
    this.requireApproval = requireApproval;
  }

  public boolean requiresApproval() {
    return requireApproval;
  }

  /**
   * The ticket reference a staff action names (a grant, an under-age report), stripped.
   *
   * @throws Problem INVALID {@code ticket_required} when blank, {@code invalid_ticket} when not up to
   *     64 letters, digits and {@code _.:#/-}
   */
  public static String requireTicket(String ticket) {
    if (ticket == null || ticket.isBlank()) {
      throw Problem.invalid("ticket_required", "a ticket reference is required");
    }
    String stripped = ticket.strip();
    if (!TICKET.matcher(stripped).matches()) {
      throw Problem.invalid("invalid_ticket", "a ticket reference is up to 64 letters, digits and _.:#/-");
    }
    return stripped;
  }

  /**
   * Asks for access to one subject's content. Without required approval the grant is live at once
   * for {@code minutes}; with it, the grant is pending and its minutes start at approval.
   */
  public Grant request(UUID staffId, Set<StaffRole> staffRoles, UUID subjectId, String reason, String ticket, int minutes) {
    if (staffId == null || staffRoles == null || staffRoles.isEmpty()) {
      throw new Problem(Problem.Kind.FORBIDDEN, "not_staff", "only staff members may request access");
    }
    if (subjectId == null) {
      throw Problem.invalid("subject_required", "a grant is for exactly one subject");
    }
    if (reason == null || reason.isBlank()) {
      throw Problem.invalid("reason_required", "a grant needs a reason");
    }
    if (reason.strip().length() > MAX_REASON) {
      throw Problem.invalid("reason_too_long", "the reason must be at most " + MAX_REASON + " characters");
    }
    String ticketReference = requireTicket(ticket);
    if (minutes < 1 || minutes > MAX_MINUTES) {
      throw Problem.invalid("invalid_minutes", "a grant lasts 1 to " + MAX_MINUTES + " minutes");
    }
    if (!subjectKeys.exists(subjectId)) {
      throw new Problem(Problem.Kind.NOT_FOUND, "unknown_subject", "no such subject");
    }
    UUID id = UUID.randomUUID();
    Instant now = now();
    Grant.Status status = requireApproval ? Grant.Status.PENDING : Grant.Status.ACTIVE;
    Instant expires = requireApproval ? null : now.plus(Duration.ofMinutes(minutes));
    byte[] sealedReason = subjectKeys.sealer(subjectId).sealString(reasonField(id), reason.strip());
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO break_glass_grants (id, staff_id, subject_id, reason_sealed, ticket, minutes, status,
                                              requested_at, opened_at, expires_at)
              VALUES (:id, :staff, :subject, :reason, :ticket, :minutes, :status, :now, :opened, :expires)""")
          .bind("id", id).bind("staff", staffId).bind("subject", subjectId).bind("reason", sealedReason)
          .bind("ticket", ticketReference).bind("minutes", minutes).bind("status", status.wireName())
          .bind("now", now).bind("opened", requireApproval ? null : now).bind("expires", expires)
          .execute();
      audit.append(h, event(Actor.staff(staffId), requireApproval ? AuditActions.GRANT_REQUESTED : AuditActions.GRANT_OPENED,
          id, subjectId).with("minutes", minutes));
    });
    return get(id).orElseThrow();
  }

  /** A privacy officer other than the requester opens a pending grant; its minutes start now. */
  public Grant approve(UUID grantId, UUID officerId, Set<StaffRole> officerRoles) {
    return decide(grantId, officerId, officerRoles, true);
  }

  public Grant deny(UUID grantId, UUID officerId, Set<StaffRole> officerRoles) {
    return decide(grantId, officerId, officerRoles, false);
  }

  private Grant decide(UUID grantId, UUID officerId, Set<StaffRole> officerRoles, boolean approve) {
    if (officerRoles == null || !officerRoles.contains(StaffRole.PRIVACY_OFFICER)) {
      throw new Problem(Problem.Kind.FORBIDDEN, "not_privacy_officer", "only a privacy officer may decide on a grant");
    }
    Grant grant = get(grantId).orElseThrow(() -> Problem.notFound("no such grant"));
    if (grant.staffId().equals(officerId)) {
      throw new Problem(Problem.Kind.FORBIDDEN, "self_approval", "a grant must be decided by someone other than its requester");
    }
    Instant now = now();
    Instant expires = now.plus(Duration.ofMinutes(grant.minutes()));
    jdbi.useTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE break_glass_grants SET status = :status, decided_by = :officer, decided_at = :now,
                     opened_at = :opened, expires_at = :expires, closed_at = :closed
              WHERE id = :id AND status = 'pending'""")
          .bind("status", (approve ? Grant.Status.ACTIVE : Grant.Status.DENIED).wireName())
          .bind("officer", officerId).bind("now", now)
          .bind("opened", approve ? now : null).bind("expires", approve ? expires : null).bind("closed", approve ? null : now)
          .bind("id", grantId)
          .execute();
      if (updated == 0) {
        throw new Problem(Problem.Kind.CONFLICT, "not_pending", "the grant is not awaiting a decision");
      }
      AuditEvent e = event(Actor.staff(officerId), approve ? AuditActions.GRANT_APPROVED : AuditActions.GRANT_DENIED,
          grantId, grant.subjectId());
      audit.append(h, approve ? e.with("expires_at", expires) : e);
    });
    return get(grantId).orElseThrow();
  }

  /** Ends a pending or live grant early: its requester, or a privacy officer, admin or security member. */
  public Grant revoke(UUID grantId, UUID staffId, Set<StaffRole> staffRoles) {
    Grant grant = get(grantId).orElseThrow(() -> Problem.notFound("no such grant"));
    boolean mayRevoke = grant.staffId().equals(staffId)
        || (staffRoles != null && staffRoles.stream().anyMatch(MAY_REVOKE_ANY::contains));
    if (!mayRevoke) {
      throw new Problem(Problem.Kind.FORBIDDEN, "not_allowed", "only the requester or a privacy, admin or security role may revoke");
    }
    Instant now = now();
    jdbi.useTransaction(h -> {
      if (!revoke(h, grant, Actor.staff(staffId), now)) {
        throw new Problem(Problem.Kind.CONFLICT, "not_open", "the grant is no longer pending or live");
      }
    });
    return get(grantId).orElseThrow();
  }

  /** Ends the grant if it is still pending or live, and audits that; false when it was not. */
  private boolean revoke(Handle h, Grant grant, Actor by, Instant now) {
    int updated = h.createUpdate("""
            UPDATE break_glass_grants SET status = 'revoked', closed_at = :now
            WHERE id = :id AND (status = 'pending' OR (status = 'active' AND expires_at > :now))""")
        .bind("now", now).bind("id", grant.id()).execute();
    if (updated == 1) {
      audit.append(h, event(by, AuditActions.GRANT_REVOKED, grant.id(), grant.subjectId()));
    }
    return updated == 1;
  }

  /**
   * Ends every pending or live grant the staff member holds (they were disabled), each audited.
   *
   * @return how many were ended
   */
  public int revokeAllHeldBy(UUID staffId, Actor by) {
    Instant now = now();
    List<Grant> open = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM break_glass_grants WHERE staff_id = :staff AND (status = 'pending' OR (status = 'active' AND expires_at > :now))")
        .bind("staff", staffId).bind("now", now).map((rs, ctx) -> grant(rs, now)).list());
    int revoked = 0;
    for (Grant g : open) {
      if (jdbi.inTransaction(h -> revoke(h, g, by, now))) {
        revoked++;
      }
    }
    return revoked;
  }

  /**
   * Marks live grants whose time is up as expired and audits each. Access already ends at {@code
   * expiresAt} whether or not this has run; this records it. Run by a background job.
   *
   * @return how many grants were marked
   */
  public int expireDue() {
    Instant now = now();
    List<Grant> due = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM break_glass_grants WHERE status = 'active' AND expires_at <= :now ORDER BY expires_at")
        .bind("now", now).map((rs, ctx) -> grant(rs, now)).list());
    int marked = 0;
    for (Grant g : due) {
      marked += jdbi.inTransaction(h -> {
        int updated = h.createUpdate("""
                UPDATE break_glass_grants SET status = 'expired', closed_at = expires_at
                WHERE id = :id AND status = 'active'""")
            .bind("id", g.id()).execute();
        if (updated == 1) {
          audit.append(h, event(Actor.system(), AuditActions.GRANT_EXPIRED, g.id(), g.subjectId()));
        }
        return updated;
      });
    }
    return marked;
  }

  /**
   * The staff member's live grant for the subject.
   *
   * @throws Problem FORBIDDEN {@code no_grant}, with the same message whether or not the subject exists
   */
  public Grant requireLive(UUID staffId, UUID subjectId) {
    Instant now = now();
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + """
             FROM break_glass_grants
            WHERE staff_id = :staff AND subject_id = :subject AND status = 'active' AND expires_at > :now
            ORDER BY expires_at DESC LIMIT 1""")
        .bind("staff", staffId).bind("subject", subjectId).bind("now", now)
        .map((rs, ctx) -> grant(rs, now))
        .findOne())
        .orElseThrow(BreakGlassGrants::noGrant);
  }

  /**
   * Audits one read of the subject's content under the grant, inside the caller's transaction
   * (the one that reads), after checking the grant is still live.
   */
  public AuditEntry recordRead(Handle handle, Grant grant, String targetKind, UUID targetId) {
    Instant now = now();
    boolean live = handle.createQuery("""
            SELECT COUNT(*) FROM break_glass_grants WHERE id = :id AND status = 'active' AND expires_at > :now""")
        .bind("id", grant.id()).bind("now", now).mapTo(Integer.class).one() > 0;
    if (!live) {
      throw noGrant();
    }
    return audit.append(handle, AuditEvent.of(Actor.staff(grant.staffId()), AuditActions.CONTENT_READ)
        .about(grant.subjectId()).on(targetKind, targetId).with("grant", grant.id()));
  }

  public AuditEntry recordRead(Grant grant, String targetKind, UUID targetId) {
    return jdbi.inTransaction(h -> recordRead(h, grant, targetKind, targetId));
  }

  public Optional<Grant> get(UUID grantId) {
    Instant now = now();
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM break_glass_grants WHERE id = :id")
        .bind("id", grantId).map((rs, ctx) -> grant(rs, now)).findOne());
  }

  /** The most recent grants first, for the admin view. */
  public List<Grant> list(int limit) {
    Instant now = now();
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM break_glass_grants ORDER BY requested_at DESC, id LIMIT :limit")
        .bind("limit", limit).map((rs, ctx) -> grant(rs, now)).list());
  }

  /** The subjects whose content was read (at least once) under any of the grants, for breach scoping. */
  public Set<UUID> subjectsReadUnder(Collection<UUID> grantIds) {
    Set<UUID> subjects = new LinkedHashSet<>();
    jdbi.useHandle(h -> {
      for (UUID grantId : grantIds) {
        // The detail column is canonical ("k=v" sorted, comma-joined): the grant's pair can be matched exactly.
        h.createQuery("""
                SELECT DISTINCT a.subject_id FROM audit_entries a JOIN break_glass_grants g ON g.subject_id = a.subject_id
                WHERE g.id = :grant AND a.action = :action AND (',' || a.detail || ',') LIKE :pair""")
            .bind("grant", grantId).bind("action", AuditActions.CONTENT_READ).bind("pair", "%,grant=" + grantId + ",%")
            .mapTo(UUID.class)
            .forEach(subjects::add);
      }
    });
    return subjects;
  }

  private static AuditEvent event(Actor actor, String action, UUID grantId, UUID subjectId) {
    return AuditEvent.of(actor, action).about(subjectId).on("grant", grantId);
  }

  private static Problem noGrant() {
    return new Problem(Problem.Kind.FORBIDDEN, "no_grant", "no live access grant for this subject");
  }

  private Grant grant(ResultSet rs, Instant now) throws SQLException {
    UUID id = rs.getObject("id", UUID.class);
    UUID subject = rs.getObject("subject_id", UUID.class);
    Grant.Status status = Grant.Status.fromWireName(rs.getString("status"));
    Instant expires = instant(rs, "expires_at");
    if (status == Grant.Status.ACTIVE && !expires.isAfter(now)) {
      status = Grant.Status.EXPIRED;
    }
    return new Grant(id, rs.getObject("staff_id", UUID.class), subject, openReason(subject, id, rs.getBytes("reason_sealed")),
        rs.getString("ticket"), rs.getInt("minutes"), status, instant(rs, "requested_at"),
        rs.getObject("decided_by", UUID.class), instant(rs, "decided_at"), instant(rs, "opened_at"), expires,
        instant(rs, "closed_at"));
  }

  private String openReason(UUID subject, UUID grantId, byte[] sealed) {
    try {
      return subjectKeys.sealer(subject).openString(reasonField(grantId), sealed);
    } catch (CannotOpenException e) {
      return null;
    }
  }

  private static FieldRef reasonField(UUID grantId) {
    return FieldRef.of("break_glass_grants", "reason", grantId);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
