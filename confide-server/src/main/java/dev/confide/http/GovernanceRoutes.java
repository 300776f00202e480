package dev.confide.http;

import static dev.confide.http.QueryParams.intParam;

import dev.confide.app.Confide;
import dev.confide.audit.AuditFilter;
import dev.confide.audit.AuditHead;
import dev.confide.audit.Grant;
import dev.confide.chat.ConversationSummary;
import dev.confide.identity.StaffRole;
import dev.confide.incidents.Incident;
import dev.confide.incidents.IncidentScope;
import dev.confide.incidents.IncidentStatus;
import dev.confide.incidents.NewIncident;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The staff API for governance: break-glass grants and reads of subject content under them (P21),
 * the audit log and its verification (P22), breach incidents and their clocks (P33). Subject
 * content is only ever read here through a live grant, and each read is audited on its own.
 */
final class GovernanceRoutes {
  private static final StaffRole[] AUDITORS = {StaffRole.ADMIN, StaffRole.SECURITY, StaffRole.PRIVACY_OFFICER};
  private static final StaffRole[] INCIDENT_STAFF = {StaffRole.SECURITY, StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN};

  private final Confide confide;

  GovernanceRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/admin/grants", this::requestGrant);
    routes.get("/api/admin/grants", ctx -> {
      StaffAuthRoutes.staff(ctx);
      ctx.json(Map.of("data", confide.grants.list(200)));
    });
    routes.post("/api/admin/grants/{id}/approve", ctx -> decide(ctx, "approve"));
    routes.post("/api/admin/grants/{id}/deny", ctx -> decide(ctx, "deny"));
    routes.post("/api/admin/grants/{id}/revoke", ctx -> decide(ctx, "revoke"));
    routes.get("/api/admin/subjects/{id}", this::subjectMetadata);
    routes.get("/api/admin/subjects/{id}/conversations", this::subjectConversations);
    routes.get("/api/admin/subjects/{id}/tickets", this::subjectTickets);

    routes.get("/api/admin/audit", this::audit);
    routes.get("/api/admin/audit/verify", this::verify);
    routes.get("/api/admin/audit/head", ctx -> {
      StaffAuthRoutes.staff(ctx).requireAny(AUDITORS);
      ctx.json(confide.auditLog.head());
    });

    routes.post("/api/admin/incidents", this::createIncident);
    routes.get("/api/admin/incidents", ctx -> {
      StaffAuthRoutes.staff(ctx).requireAny(INCIDENT_STAFF);
      ctx.json(Map.of("data", confide.incidents.list(200).stream().map(GovernanceRoutes::view).toList()));
    });
    routes.get("/api/admin/incidents/{id}", ctx -> {
      StaffAuthRoutes.staff(ctx).requireAny(INCIDENT_STAFF);
      UUID id = PathIds.uuid(ctx, "incident");
      Map<String, Object> out = view(incident(id));
      out.put("timeline", confide.incidents.timeline(id));
      ctx.json(out);
    });
    routes.post("/api/admin/incidents/{id}/status", this::transition);
    // Scoping usually comes after the record: the clock starts at awareness, often before anyone knows who is affected.
    routes.post("/api/admin/incidents/{id}/scope", ctx -> {
      StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
      staff.requireAny(INCIDENT_STAFF);
      JsonBody body = JsonBody.read(ctx, Set.of("scope"));
      if (!body.has("scope") || body.isNull("scope")) {
        throw Problem.invalid("invalid_scope", "scope is required: {\"kind\": \"subjects\" | \"grants\" | \"api_key\" | \"active_between\", ...}");
      }
      ctx.json(view(confide.incidents.widenScope(PathIds.uuid(ctx, "incident"), scope(body.raw("scope")), staff.staffId())));
    });
    routes.post("/api/admin/incidents/{id}/measures", ctx -> {
      StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
      staff.requireAny(INCIDENT_STAFF);
      JsonBody body = JsonBody.read(ctx, Set.of("measure"));
      ctx.json(view(confide.incidents.recordMeasure(PathIds.uuid(ctx, "incident"), body.requiredString("measure"), staff.staffId())));
    });
    routes.post("/api/admin/incidents/{id}/regulator-notified", ctx -> {
      StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
      staff.requireAny(INCIDENT_STAFF);
      JsonBody body = JsonBody.read(ctx, Set.of("notifiedAt"));
      ctx.json(view(confide.incidents.markRegulatorNotified(PathIds.uuid(ctx, "incident"),
          body.optionalInstant("notifiedAt").orElse(null), staff.staffId())));
    });
    routes.post("/api/admin/incidents/{id}/notices", this::notifyAffected);
    routes.get("/api/admin/incidents/{id}/report", ctx -> {
      StaffAuthRoutes.staff(ctx).requireAny(INCIDENT_STAFF);
      UUID id = PathIds.uuid(ctx, "incident");
      incident(id);
      ctx.contentType("text/markdown; charset=utf-8").result(confide.incidents.regulatorReport(id));
    });
  }

  private void requestGrant(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    JsonBody body = JsonBody.read(ctx, Set.of("subjectId", "reason", "ticket", "minutes"));
    UUID subject = uuid(body.requiredString("subjectId"), "subjectId");
    int minutes = body.optionalNumber("minutes", 1, 60).map(Double::intValue).orElse(60);
    Grant grant = confide.grants.request(staff.staffId(), staff.roles(), subject, body.requiredString("reason"),
        body.requiredString("ticket"), minutes);
    ctx.status(201).json(grant);
  }

  private void decide(Context ctx, String decision) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    UUID id = PathIds.uuid(ctx, "grant");
    Grant grant = switch (decision) {
      case "approve" -> confide.grants.approve(id, staff.staffId(), staff.roles());
      case "deny" -> confide.grants.deny(id, staff.staffId(), staff.roles());
      default -> confide.grants.revoke(id, staff.staffId(), staff.roles());
    };
    ctx.json(grant);
  }

  /** Metadata needed to operate: counts and times, never content; no grant needed. */
  private void subjectMetadata(Context ctx) {
    StaffAuthRoutes.staff(ctx);
    UUID subject = PathIds.uuid(ctx, "subject");
    var footprint = confide.footprints.of(subject).orElseThrow(() -> Problem.notFound("no such subject"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subjectId", subject.toString());
    out.put("createdAt", footprint.createdAt());
    out.putAll(footprint.rowCounts());
    out.put("hipaa", confide.accounts.isHipaa(subject));
    ctx.json(out);
  }

  private void subjectConversations(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    UUID subject = PathIds.uuid(ctx, "subject");
    Grant grant = confide.grants.requireLive(staff.staffId(), subject);
    List<Object> conversations = new ArrayList<>();
    for (ConversationSummary summary : confide.conversations.list(subject, 50, null).items()) {
      confide.grants.recordRead(grant, "conversation", summary.id());
      conversations.add(confide.conversations.view(subject, summary.id()));
    }
    ctx.json(Map.of("grantId", grant.id().toString(), "data", conversations));
  }

  private void subjectTickets(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    UUID subject = PathIds.uuid(ctx, "subject");
    Grant grant = confide.grants.requireLive(staff.staffId(), subject);
    var tickets = confide.tickets.of(subject);
    confide.grants.recordRead(grant, "support_tickets", subject);
    ctx.json(Map.of("grantId", grant.id().toString(), "data", tickets));
  }

  private void audit(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(AUDITORS);
    int limit = intParam(ctx, "limit", 100, 1, AuditFilter.MAX_LIMIT);
    AuditFilter filter = AuditFilter.newest(limit);
    if (ctx.queryParam("actor") != null) {
      filter = filter.byActor(uuid(ctx.queryParam("actor"), "actor"));
    }
    if (ctx.queryParam("subject") != null) {
      filter = filter.about(uuid(ctx.queryParam("subject"), "subject"));
    }
    if (ctx.queryParam("action") != null) {
      filter = filter.action(ctx.queryParam("action"));
    }
    if (ctx.queryParam("before") != null) {
      filter = filter.before((long) intParam(ctx, "before", 0, 0, Integer.MAX_VALUE));
    }
    var page = confide.auditLog.list(filter);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", page.entries());
    out.put("nextBefore", page.nextBeforeSeq());
    ctx.json(out);
  }

  /** P22: the whole chain, or the chain against a head exported earlier (?seq=&mac=). */
  private void verify(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(AUDITORS);
    String seq = ctx.queryParam("seq");
    String mac = ctx.queryParam("mac");
    if (seq != null && mac != null) {
      long at = intParam(ctx, "seq", 0, 0, Integer.MAX_VALUE);
      ctx.json(confide.auditLog.verifyAgainst(new AuditHead(at, mac, null)));
    } else {
      ctx.json(confide.auditLog.verify());
    }
  }

  private void createIncident(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(INCIDENT_STAFF);
    JsonBody body = JsonBody.read(ctx, Set.of("detectedAt", "awareAt", "description", "categories", "scope"));
    Instant aware = body.optionalInstant("awareAt")
        .orElseThrow(() -> Problem.invalid("invalid_awareAt", "awareAt is required: when the company became aware"));
    IncidentScope scope = body.has("scope") && !body.isNull("scope") ? scope(body.raw("scope")) : null;
    Incident incident = confide.incidents.create(new NewIncident(body.optionalInstant("detectedAt").orElse(null), aware,
        body.requiredString("description"), body.requiredStringList("categories"), scope), staff.staffId());
    ctx.status(201).json(view(incident));
  }

  private void transition(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(INCIDENT_STAFF);
    JsonBody body = JsonBody.read(ctx, Set.of("status", "note"));
    IncidentStatus to;
    try {
      to = IncidentStatus.fromWireName(body.requiredString("status"));
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("invalid_status", "status must be open, contained, notified or closed");
    }
    ctx.json(view(confide.incidents.transition(PathIds.uuid(ctx, "incident"), to, staff.staffId(),
        body.optionalString("note").orElse(null))));
  }

  private void notifyAffected(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(INCIDENT_STAFF);
    JsonBody body = JsonBody.read(ctx, Set.of("summary", "measures", "advice"));
    Map<String, String> params = new LinkedHashMap<>();
    for (String field : List.of("summary", "measures", "advice")) {
      params.put(field, body.requiredString(field));
    }
    ctx.json(confide.incidents.notifyAffected(PathIds.uuid(ctx, "incident"), params, staff.staffId()));
  }

  private Incident incident(UUID id) {
    return confide.incidents.get(id).orElseThrow(() -> Problem.notFound("no such incident"));
  }

  private static IncidentScope scope(com.fasterxml.jackson.databind.JsonNode node) {
    String kind = node.path("kind").asText("");
    try {
      return switch (kind) {
        case "subjects" -> new IncidentScope.Subjects(uuids(node.path("ids")));
        case "grants" -> new IncidentScope.ReadUnderGrants(uuids(node.path("ids")));
        case "api_key" -> new IncidentScope.ApiKey(UUID.fromString(node.path("keyId").asText()),
            instantOrNull(node.path("from")), instantOrNull(node.path("to")));
        case "active_between" -> new IncidentScope.ActiveBetween(Instant.parse(node.path("from").asText()),
            Instant.parse(node.path("to").asText()));
        default -> throw Problem.invalid("invalid_scope", "scope.kind must be subjects, grants, api_key or active_between");
      };
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw Problem.invalid("invalid_scope", "scope has a malformed id or time");
    }
  }

  private static List<UUID> uuids(com.fasterxml.jackson.databind.JsonNode array) {
    if (!array.isArray()) {
      throw Problem.invalid("invalid_scope", "scope.ids must be an array of ids");
    }
    List<UUID> ids = new ArrayList<>();
    array.forEach(n -> ids.add(UUID.fromString(n.asText())));
    return ids;
  }

  private static Instant instantOrNull(com.fasterxml.jackson.databind.JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : Instant.parse(node.asText());
  }

  static Map<String, Object> view(Incident i) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", i.id().toString());
    out.put("status", i.status().wireName());
    out.put("detectedAt", i.detectedAt());
    out.put("awareAt", i.awareAt());
    out.put("description", i.description());
    out.put("categories", i.categories());
    out.put("regulatorDeadline", i.regulatorDeadline());
    out.put("hipaaDeadline", i.hipaaDeadline());
    out.put("regulatorNotifiedAt", i.regulatorNotifiedAt());
    out.put("regulatorOverdue", i.regulatorOverdue());
    out.put("hipaaOverdue", i.hipaaOverdue());
    out.put("affectedSubjects", i.affectedSubjects());
    out.put("hipaaSubjects", i.hipaaSubjects());
    out.put("noticesSent", i.noticesSent());
    out.put("noticesPending", i.noticesPending());
    return out;
  }

  private static UUID uuid(String text, String field) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("invalid_" + field, field + " must be an id");
    }
  }
}
