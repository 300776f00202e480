package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.rights.PrivacyRequests;
import dev.confide.rights.Receipt;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The staff API's operational routes: the privacy-request queue (P30), HIPAA status with its BAA
 * reference (P31), and reports of under-age accounts (P34). None of them reads a subject's content;
 * that takes a break-glass grant.
 */
final class AdminRoutes {
  private static final StaffRole[] REQUEST_HANDLERS = {StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN, StaffRole.SUPPORT};
  private static final StaffRole[] PRIVACY = {StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN};

  private final Confide confide;

  AdminRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/admin/requests", this::queue);
    routes.post("/api/admin/requests", this::intake);
    routes.post("/api/admin/requests/{id}/verify", this::verify);
    routes.post("/api/admin/requests/{id}/extend", this::extend);
    routes.post("/api/admin/requests/{id}/resolve", this::resolve);
    routes.put("/api/admin/subjects/{id}/hipaa", this::markHipaa);
    routes.delete("/api/admin/subjects/{id}/hipaa", this::clearHipaa);
    routes.post("/api/admin/subjects/{id}/underage-report", this::underageReport);
  }

  private void queue(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(REQUEST_HANDLERS);
    boolean openOnly = !"all".equals(ctx.queryParam("status"));
    ctx.json(Map.of("data", confide.privacyRequests.queue(openOnly).stream().map(AdminRoutes::view).toList()));
  }

  /**
   * A request that arrived by email (P30): filed with its deadline from receipt, and a one-time code
   * mailed to the account's own address; the requester reads it back to staff to prove identity.
   */
  private void intake(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(REQUEST_HANDLERS);
    JsonBody body = JsonBody.read(ctx, Set.of("email", "type", "jurisdiction", "receivedAt", "purposes"));
    String email = body.requiredString("email");
    String type = body.requiredString("type");
    String jurisdiction = body.optionalString("jurisdiction").orElse(null);
    var receivedAt = body.optionalInstant("receivedAt").orElse(null);
    var purposes = body.has("purposes") ? body.requiredStringList("purposes") : java.util.List.<String>of();
    UUID subject = confide.accounts.findByEmail(email)
        .orElseThrow(() -> new Problem(Problem.Kind.NOT_FOUND, "no_account", "no account uses this email address"));
    PrivacyRequests.Intake intake = confide.privacyRequests.intake(subject, type, jurisdiction, purposes, receivedAt);
    confide.outbox.enqueue(subject, dev.confide.notify.MailKind.LEGAL, "verification_code",
        Map.of("code", intake.verificationCode(), "minutes", String.valueOf(PrivacyRequests.CODE_VALID.toMinutes())));
    ctx.status(201).json(queueView(intake.request().id()));
  }

  private void verify(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(REQUEST_HANDLERS);
    JsonBody body = JsonBody.read(ctx, Set.of("code"));
    UUID id = PathIds.uuid(ctx, "privacy request");
    PrivacyRequests.Request done = confide.privacyRequests.verify(id, body.requiredString("code"));
    PrivacyRequestRoutes.mailReceipt(confide, confide.privacyRequests.entry(id).subject(), done);
    Map<String, Object> out = queueView(id);
    if (done.receipt() != null) {
      out.put("receipt", Map.of("payload", done.receipt().payload(), "signature", done.receipt().signature()));
    }
    ctx.json(out);
  }

  private Map<String, Object> queueView(UUID id) {
    return view(confide.privacyRequests.entry(id));
  }

  private void extend(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(PRIVACY);
    JsonBody body = JsonBody.read(ctx, Set.of("reason"));
    UUID id = PathIds.uuid(ctx, "privacy request");
    confide.privacyRequests.extend(id, body.requiredString("reason"));
    ctx.json(queueView(id));
  }

  /** A rectification done (or declined) by staff: completed with a receipt mailed to the requester, and audited. */
  private void resolve(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(PRIVACY);
    JsonBody body = JsonBody.read(ctx, Set.of("corrected", "reason"));
    if (!body.has("corrected") || !body.raw("corrected").isBoolean()) {
      throw Problem.invalid("invalid_corrected", "corrected is required: true when the data was corrected, false when not");
    }
    boolean corrected = body.raw("corrected").asBoolean();
    UUID id = PathIds.uuid(ctx, "privacy request");
    PrivacyRequests.Request done = confide.privacyRequests.resolveRectification(id, corrected, body.optionalString("reason").orElse(null));
    UUID subject = confide.privacyRequests.entry(id).subject();
    confide.auditLog.append(AuditEvent.of(Actor.staff(staff.staffId()), AuditActions.REQUEST_TRANSITION).about(subject)
        .on("privacy_request", id).with("status", "completed").with("corrected", corrected));
    PrivacyRequestRoutes.mailReceipt(confide, subject, done);
    ctx.json(queueView(id));
  }

  private void markHipaa(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(PRIVACY);
    JsonBody body = JsonBody.read(ctx, Set.of("baaReference"));
    UUID subject = PathIds.uuid(ctx, "account");
    confide.accounts.setHipaa(subject, body.requiredString("baaReference"));
    ctx.json(Map.of("subjectId", subject.toString(), "hipaa", true));
  }

  private void clearHipaa(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(PRIVACY);
    UUID subject = PathIds.uuid(ctx, "account");
    confide.accounts.setHipaa(subject, null);
    ctx.json(Map.of("subjectId", subject.toString(), "hipaa", false));
  }

  /** P34: a report that an account belongs to a child under the minimum age erases it at once, no window. */
  private void underageReport(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(REQUEST_HANDLERS);
    JsonBody body = JsonBody.read(ctx, Set.of("ticket"));
    String ticket = dev.confide.audit.BreakGlassGrants.requireTicket(body.requiredString("ticket"));
    UUID subject = PathIds.uuid(ctx, "account");
    if (!confide.accounts.exists(subject)) {
      throw Problem.notFound("no such account");
    }
    // Irreversible on one staff member's word: who reported it and under which ticket must stay on record.
    confide.auditLog.append(AuditEvent.of(Actor.staff(staff.staffId()), AuditActions.UNDERAGE_REPORT).about(subject)
        .with("ticket", ticketToken(ticket)));
    Receipt receipt = confide.erasure.erase(subject, "underage");
    confide.retention.purgeNow(subject);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subjectId", subject.toString());
    out.put("erased", true);
    out.put("purged", true);
    out.put("receipt", Map.of("payload", receipt.payload(), "signature", receipt.signature()));
    ctx.json(out);
  }

  /** A ticket reference as an audit token (lower case, starting with a letter): "SUP-17" is "sup-17", "#42" "t-_42". */
  static String ticketToken(String ticket) {
    String token = ticket.toLowerCase(java.util.Locale.ROOT).replace('#', '_').replace('/', '_');
    return Character.isLetter(token.charAt(0)) ? token : "t-" + token.substring(0, Math.min(token.length(), 62));
  }

  static Map<String, Object> view(PrivacyRequests.QueueEntry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id().toString());
    out.put("subjectId", e.subject().toString());
    out.put("type", e.type());
    out.put("status", e.status());
    out.put("channel", e.channel());
    out.put("jurisdiction", e.jurisdiction());
    out.put("receivedAt", e.receivedAt());
    out.put("dueAt", e.dueAt());
    out.put("overdue", e.overdue());
    return out;
  }
}
