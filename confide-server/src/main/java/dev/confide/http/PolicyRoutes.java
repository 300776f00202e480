package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.app.PolicyPublisher;
import dev.confide.app.RuntimeSelfChecks;
import dev.confide.identity.StaffRole;
import dev.confide.notify.PolicyVersions.PolicyVersion;
import dev.confide.policy.Policy;
import dev.confide.policy.PolicyRenderer;
import dev.confide.policy.PromiseCatalogue;
import dev.confide.policy.VersionEntry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy in public and for staff: {@code /privacy} (the human-readable policy rendered from the
 * file, with its version history), {@code /api/privacy/policy} (the same policy's numbers as data),
 * the verification report (which promises are made and kept) and publishing versions (P35).
 */
final class PolicyRoutes {
  /** The page has no script and no inline style; nothing may frame it. */
  static final String PAGE_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";
  static final String PUBLIC_POLICY = "/api/privacy/policy";
  private static final StaffRole[] PUBLISHERS = {StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN};

  private final Confide confide;
  private final PolicyPublisher publisher;
  private final RuntimeSelfChecks checks;

  /** @param tls whether this server serves HTTPS itself (for the {@code tls} self-check) */
  PolicyRoutes(Confide confide, boolean tls) {
    this.confide = confide;
    this.publisher = new PolicyPublisher(confide);
    this.checks = new RuntimeSelfChecks(confide, tls);
  }

  void register(RoutesConfig routes) {
    routes.get("/privacy", this::page);
    routes.get(PUBLIC_POLICY, ctx -> ctx.json(policyJson(confide.policy, publisher.history())));
    routes.get("/api/admin/policy/verify", ctx -> {
      StaffAuthRoutes.staff(ctx);
      ctx.json(RuntimeSelfChecks.toJson(checks.verify()));
    });
    routes.get("/api/admin/policy/versions", ctx -> {
      StaffAuthRoutes.staff(ctx);
      ctx.json(ConfideHttp.data(confide.policyVersions.history().stream().map(PolicyRoutes::view).toList()));
    });
    routes.post("/api/admin/policy/versions", this::publish);
  }

  private void page(Context ctx) {
    ctx.header("Content-Security-Policy", PAGE_CSP);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(PolicyRenderer.html(confide.policy, publisher.history()));
  }

  private void publish(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(PUBLISHERS);
    JsonBody body = JsonBody.read(ctx, Set.of("version", "summary", "significant"));
    PolicyVersion published = publisher.publish(staff.staffId(), body.optionalString("version").orElse(null),
        body.requiredString("summary"), body.requiredBoolean("significant"));
    ctx.status(201).json(view(published));
  }

  private static Map<String, Object> view(PolicyVersion v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", v.version());
    out.put("summary", v.summary());
    out.put("significant", v.significant());
    out.put("contentSha256", v.contentSha256());
    out.put("publishedBy", v.publishedBy().toString());
    out.put("publishedAt", v.publishedAt());
    out.put("announcedAt", v.announcedAt());
    return out;
  }

  /** The numbers the engine enforces, as the policy file states them; the same for every caller. */
  static Map<String, Object> policyJson(Policy p, List<VersionEntry> history) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", p.version());
    out.put("effectiveDate", p.effectiveDate().toString());
    out.put("language", p.language());
    out.put("controller", p.company().controller());
    out.put("privacyEmail", p.contacts().privacyEmail());
    out.put("promises", p.promises().stream().map(id -> Map.of("id", id,
        "title", PromiseCatalogue.find(id).map(PromiseCatalogue.Promise::title).orElse(id))).toList());
    out.put("minimumAge", p.minimumAge());
    Integer chatDays = p.defaults().chatRetentionDays();
    out.put("defaults", Map.of("dataCollection", p.defaults().dataCollection(),
        "dataCollectionForHipaa", p.defaults().dataCollectionForHipaa(),
        "chatRetentionDays", chatDays == null ? "keep" : chatDays));
    Policy.Retention r = p.retention();
    out.put("retention", Map.of("usageDays", r.usageDays(), "accessLogDays", r.accessLogDays(),
        "ipTruncationDays", r.ipTruncationDays(), "deletionWindowDays", r.deletionWindowDays(),
        "erasedPurgeDays", r.erasedPurgeDays()));
    Map<String, Object> deadlines = new LinkedHashMap<>();
    for (Policy.Jurisdiction j : p.jurisdictions()) {
      deadlines.put(j.id(), Map.of("name", j.name(), "respondWithin", j.respondWithin().toString(),
          "extendableBy", j.extendableBy().toString(),
          "rights", j.rights().stream().map(Policy.Right::id).toList()));
    }
    out.put("deadlines", deadlines);
    out.put("breachRegulatorHours", p.breach().regulatorHours());
    out.put("history", history.stream().map(v -> Map.of("version", v.version(), "date", v.date().toString(),
        "summary", v.summary())).toList());
    return out;
  }
}
