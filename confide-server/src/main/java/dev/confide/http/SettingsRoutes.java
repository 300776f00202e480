package dev.confide.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.app.Confide;
import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The caller's privacy settings ({@code GET/PATCH /api/settings}) and their consent history. A
 * request with {@code Sec-GPC: 1} opts the caller out of sale and sharing and refuses analytics
 * cookies (P17), recorded with source {@code gpc}.
 */
final class SettingsRoutes {
  private static final Set<String> FIELDS = Set.of("chatRetentionDays", "dataCollection", "trainingOptOut", "optOutOfSale",
      "limitSensitive", "analyticsCookies", "objections", "communication");

  private final Confide confide;

  SettingsRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/settings", ctx -> ctx.json(view(confide.settings.get(ConfideHttp.principal(ctx).subject()))));
    routes.patch("/api/settings", this::change);
    routes.get("/api/settings/history", this::history);
  }

  /** Honours the Global Privacy Control signal on any authenticated request. */
  void honourGlobalPrivacyControl(Context ctx, UUID subject) {
    if ("1".equals(ctx.header("Sec-GPC"))) {
      Settings current = confide.settings.get(subject);
      if (!current.optOutOfSale() || current.analyticsCookies()) {
        confide.settings.change(subject, SubjectSettings.Change.none().withOptOutOfSale(true).withAnalyticsCookies(false), "gpc", null);
      }
    }
  }

  private void change(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    JsonBody body = JsonBody.read(ctx, FIELDS);
    Optional<Optional<Integer>> retention = Optional.empty();
    if (body.has("chatRetentionDays")) {
      JsonNode v = body.raw("chatRetentionDays");
      if (v.isTextual() && v.asText().equals("keep")) {
        retention = Optional.of(Optional.empty());
      } else if (v.isIntegralNumber() && v.canConvertToInt()) {
        retention = Optional.of(Optional.of(v.asInt()));
      } else {
        throw Problem.invalid("invalid_chatRetentionDays", "chatRetentionDays must be a number of days or \"keep\"");
      }
    }
    if (body.has("analyticsCookies") && body.requiredBoolean("analyticsCookies") && "1".equals(ctx.header("Sec-GPC"))) {
      throw new Problem(Problem.Kind.CONFLICT, "gpc_refuses_analytics",
          "your browser sends the Global Privacy Control signal, which refuses analytics cookies");
    }
    if (body.has("optOutOfSale") && !body.requiredBoolean("optOutOfSale") && "1".equals(ctx.header("Sec-GPC"))) {
      // The signal has just opted the subject out (P17); lifting it in the same request would flip it back and forth.
      throw new Problem(Problem.Kind.CONFLICT, "gpc_opts_out_of_sale",
          "your browser sends the Global Privacy Control signal, which opts out of sale and sharing");
    }
    SubjectSettings.Change change = new SubjectSettings.Change(retention,
        flag(body, "dataCollection"), flag(body, "trainingOptOut"), flag(body, "optOutOfSale"),
        flag(body, "limitSensitive"), flag(body, "analyticsCookies"), Optional.empty(),
        flags(body, "objections"), flags(body, "communication"));
    // An API key may only protect the person more; checked inside the change, against what it replaces.
    Settings after = confide.settings.change(principal.subject(), change, principal.viaCookie() ? "app" : "api", null,
        !principal.viaCookie());
    ctx.json(view(after));
  }

  private void history(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    ctx.json(Map.of("data", confide.settings.ledger(subject).stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("setting", e.setting());
      m.put("from", e.oldValue());
      m.put("to", e.newValue());
      m.put("source", e.source());
      m.put("policyVersion", e.policyVersion());
      m.put("changedAt", e.changedAt());
      return m;
    }).toList()));
  }

  private static Optional<Boolean> flag(JsonBody body, String field) {
    return body.has(field) ? Optional.of(body.requiredBoolean(field)) : Optional.empty();
  }

  private static Map<String, Boolean> flags(JsonBody body, String field) {
    JsonNode v = body.raw(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw Problem.invalid("invalid_type", "field '" + field + "' must be an object of true/false values");
    }
    Map<String, Boolean> flags = new TreeMap<>();
    v.fields().forEachRemaining(e -> {
      if (!e.getValue().isBoolean()) {
        throw Problem.invalid("invalid_type", "values in '" + field + "' must be true or false");
      }
      flags.put(e.getKey(), e.getValue().booleanValue());
    });
    return flags;
  }

  static Map<String, Object> view(Settings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chatRetentionDays", s.chatRetentionDays() == null ? "keep" : s.chatRetentionDays());
    m.put("dataCollection", s.dataCollection());
    m.put("trainingOptOut", s.trainingOptOut());
    m.put("optOutOfSale", s.optOutOfSale());
    m.put("limitSensitive", s.limitSensitive());
    m.put("analyticsCookies", s.analyticsCookies());
    m.put("restricted", s.restricted());
    Map<String, Boolean> objections = new TreeMap<>();
    Settings.PURPOSES.forEach(p -> objections.put(p, s.objectsTo(p)));
    m.put("objections", objections);
    Map<String, Boolean> communication = new TreeMap<>();
    Settings.COMMUNICATION.forEach(k -> communication.put(k, s.communication().getOrDefault(k, true)));
    communication.put("legalNotices", true);
    m.put("communication", communication);
    return m;
  }
}
