package dev.confide.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.app.Confide;
import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
import dev.confide.disclosure.DisclosureLog;
import dev.confide.disclosure.LegalDisclosures;
import dev.confide.disclosure.Processor;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The staff API for disclosures: legal disclosures and their holds (P16), and what the disclosure
 * gate let out, by processor, purpose and category (P14), with the registry it checked against.
 * Recording a disclosure and changing a hold are audited with their own actions.
 */
final class DisclosureRoutes {
  private static final StaffRole[] PRIVACY = {StaffRole.PRIVACY_OFFICER, StaffRole.ADMIN};
  private static final int LIST_LIMIT = 200;

  private final Confide confide;

  DisclosureRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/admin/disclosures", this::list);
    routes.post("/api/admin/disclosures", this::record);
    routes.put("/api/admin/disclosures/{id}/hold", ctx -> changeHold(ctx, true));
    routes.delete("/api/admin/disclosures/{id}/hold", ctx -> changeHold(ctx, false));
  }

  /** Legal disclosures newest first, and the disclosure log ({@code from}, {@code to}: days, inclusive). */
  private void list(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(PRIVACY);
    DisclosureLog.Filter filter = new DisclosureLog.Filter(day(ctx, "from"), day(ctx, "to"), ctx.queryParam("processor"),
        ctx.queryParam("purpose"), ctx.queryParam("category"), DisclosureLog.MAX_ROWS);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", confide.legalDisclosures.list(LIST_LIMIT));
    out.put("flows", confide.disclosureLog.log(filter));
    out.put("processors", confide.processors.registry().all().stream().map(DisclosureRoutes::view).toList());
    ctx.json(out);
  }

  private void record(Context ctx) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(PRIVACY);
    JsonBody body = JsonBody.read(ctx, Set.of("authority", "legalBasis", "categories", "subjects", "disclosedAt", "hold"));
    List<UUID> subjects = new ArrayList<>();
    for (String s : body.requiredStringList("subjects")) {
      try {
        subjects.add(UUID.fromString(s));
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("invalid_subjects", "subjects must be subject ids");
      }
    }
    JsonNode hold = body.raw("hold");
    LegalDisclosures.Disclosure recorded = confide.legalDisclosures.record(new LegalDisclosures.NewDisclosure(
        body.requiredString("authority"), body.requiredString("legalBasis"), body.requiredStringList("categories"), subjects,
        body.optionalInstant("disclosedAt").orElse(null), hold == null || hold.isNull() ? null : hold(hold)),
        staff.staffId());
    confide.auditLog.append(AuditEvent.of(Actor.staff(staff.staffId()), AuditActions.DISCLOSURE_RECORDED)
        .on("disclosure", recorded.id()).with("subjects", recorded.subjects().size()).with("held", recorded.hold() != null));
    ctx.status(201).json(recorded);
  }

  /** PUT places or changes the hold ({@code until}, {@code reason}); DELETE lifts it. */
  private void changeHold(Context ctx, boolean place) {
    StaffPrincipal staff = StaffAuthRoutes.staff(ctx);
    staff.requireAny(PRIVACY);
    UUID id = PathIds.uuid(ctx, "disclosure");
    LegalDisclosures.LegalHold hold = place ? hold(JsonBody.readTree(ctx)) : null;
    LegalDisclosures.Disclosure changed = confide.legalDisclosures.setHold(id, hold);
    confide.auditLog.append(AuditEvent.of(Actor.staff(staff.staffId()), AuditActions.DISCLOSURE_HOLD)
        .on("disclosure", id).with("held", place));
    ctx.json(changed);
  }

  private static LegalDisclosures.LegalHold hold(JsonNode node) {
    if (!node.isObject()) {
      throw Problem.invalid("invalid_hold", "hold must be an object with until and reason");
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!Set.of("until", "reason").contains(name)) {
        throw Problem.invalid("unknown_field", "unknown field '" + JsonBody.printable(name) + "' in hold; allowed: reason, until");
      }
    });
    JsonNode until = node.path("until");
    JsonNode reason = node.path("reason");
    if (!until.isTextual() || !reason.isTextual()) {
      throw Problem.invalid("invalid_hold", "a hold needs until (an ISO-8601 instant) and a reason");
    }
    try {
      return new LegalDisclosures.LegalHold(Instant.parse(until.textValue()), reason.textValue());
    } catch (DateTimeParseException e) {
      throw Problem.invalid("invalid_hold", "until must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
    }
  }

  private static LocalDate day(Context ctx, String name) {
    String value = ctx.queryParam(name);
    try {
      return value == null ? null : LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw Problem.invalid("invalid_" + name, name + " must be a date as YYYY-MM-DD");
    }
  }

  private static Map<String, Object> view(Processor p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", p.name());
    out.put("purposes", p.purposes().stream().sorted().toList());
    out.put("categories", p.categories().stream().sorted().toList());
    out.put("country", p.country());
    out.put("transferMechanism", p.transferMechanism().wireName());
    out.put("baa", p.baa());
    return out;
  }
}
