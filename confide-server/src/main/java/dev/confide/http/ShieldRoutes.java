package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.models.ModelProvider;
import dev.confide.pii.ProviderConsents;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The caller's consents to send personal data unshielded to a model provider (P15): which
 * providers shield what, and the caller's recorded decisions.
 */
final class ShieldRoutes {
  private final Confide confide;

  ShieldRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/provider-consents", this::list);
    routes.put("/api/provider-consents/{provider}", this::decide);
  }

  private void list(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    Map<String, ProviderConsents.Consent> consents = confide.providerConsents.consents().current(subject);
    List<Map<String, Object>> data = new ArrayList<>();
    for (ModelProvider provider : confide.models.providers()) {
      ModelProvider.Description d = provider.description();
      ProviderConsents.Consent consent = consents.get(d.name());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("provider", d.name());
      row.put("shield", d.shield());
      row.put("baa", d.baa());
      row.put("country", d.country());
      row.put("models", provider.models());
      row.put("consented", consent != null && consent.granted());
      row.put("effectiveShield", confide.providerConsents.decide(subject, d).wireName());
      row.put("decidedAt", consent == null ? null : consent.decidedAt());
      data.add(row);
    }
    ctx.json(Map.of("data", data));
  }

  private void decide(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    String name = ctx.pathParam("provider");
    ModelProvider.Description provider = confide.models.providers().stream().map(ModelProvider::description)
        .filter(d -> d.name().equals(name)).findFirst()
        .orElseThrow(() -> Problem.notFound("no such provider"));
    JsonBody body = JsonBody.read(ctx, Set.of("granted"));
    boolean granted = body.requiredBoolean("granted");
    Principal principal = ConfideHttp.principal(ctx);
    if (granted) {
      // Sending personal data unshielded is the person's own explicit choice, made in the app.
      principal.requireSession("consent to send personal data unshielded is given");
    }
    confide.providerConsents.recordConsent(subject, provider, granted, principal.viaCookie() ? "app" : "api");
    ctx.json(Map.of("provider", name, "consented", granted,
        "effectiveShield", confide.providerConsents.decide(subject, provider).wireName()));
  }
}
