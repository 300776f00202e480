package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.problem.Problem;
import dev.confide.rights.PrivacyRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The caller's privacy requests: file one, follow it, download the archive of an access or export. */
final class PrivacyRequestRoutes {
  private final Confide confide;

  PrivacyRequestRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/privacy/requests", this::submit);
    routes.get("/api/privacy/requests", ctx -> ctx.json(Map.of("data",
        confide.privacyRequests.list(ConfideHttp.principal(ctx).subject()).stream().map(PrivacyRequestRoutes::view).toList())));
    routes.get("/api/privacy/requests/{id}", ctx ->
        ctx.json(view(confide.privacyRequests.get(ConfideHttp.principal(ctx).subject(), PathIds.uuid(ctx, "privacy request")))));
    routes.get("/api/privacy/requests/{id}/download", this::download);
    routes.post("/api/tickets", ctx -> {
      JsonBody body = JsonBody.read(ctx, Set.of("subject", "body"));
      var ticket = confide.tickets.open(ConfideHttp.principal(ctx).subject(), body.requiredString("subject"), body.requiredString("body"));
      ctx.status(201).json(Map.of("id", ticket.id().toString(), "subject", ticket.subject(), "status", ticket.status(),
          "createdAt", ticket.createdAt()));
    });
    routes.get("/api/tickets", ctx -> ctx.json(Map.of("data", confide.tickets.of(ConfideHttp.principal(ctx).subject()))));
  }

  private void submit(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    JsonBody body = JsonBody.read(ctx, Set.of("type", "jurisdiction", "purposes"));
    String type = body.requiredString("type");
    if (type.equals("erase")) {
      principal.requireSession("an account is erased");
    }
    List<String> purposes = body.has("purposes") ? body.requiredStringList("purposes") : List.of();
    confide.privacyRequests.requireArchiveAllowance(principal.subject(), type);
    PrivacyRequests.Request request = confide.privacyRequests.submit(principal.subject(), type,
        body.optionalString("jurisdiction").orElse(null), purposes);
    mailReceipt(confide, principal.subject(), request);
    ctx.status(201).json(view(request));
  }

  /**
   * A request's receipt also goes by mail (a legal notice: never suppressed by preferences), except
   * after an erasure: the address is gone with the account, and the receipt was shown at once.
   */
  static void mailReceipt(Confide confide, UUID subject, PrivacyRequests.Request request) {
    if (request.type().equals("erase")) {
      return;
    }
    confide.outbox.enqueue(subject, dev.confide.notify.MailKind.LEGAL, "request_receipt", Map.of(
        "requestType", request.type(), "requestId", request.id().toString(),
        "receivedAt", request.receivedAt().toString(), "dueAt", request.dueAt().toString()));
  }

  private void download(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    UUID id = PathIds.uuid(ctx, "privacy request");
    java.io.InputStream archive = confide.privacyRequests.download(subject, id);
    ctx.contentType("application/zip");
    ctx.header("Content-Disposition", "attachment; filename=\"confide-data-" + id + ".zip\"");
    ctx.result(archive);
  }

  private static Map<String, Object> view(PrivacyRequests.Request r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id().toString());
    m.put("type", r.type());
    m.put("status", r.status());
    m.put("jurisdiction", r.jurisdiction());
    m.put("receivedAt", r.receivedAt());
    m.put("dueAt", r.dueAt());
    m.put("completedAt", r.completedAt());
    m.put("extensionReason", r.extensionReason());
    m.put("download", r.downloadable() ? "/api/privacy/requests/" + r.id() + "/download" : null);
    m.put("downloadExpiresAt", r.downloadExpiresAt());
    m.put("receipt", r.receipt() == null ? null : Map.of("payload", r.receipt().payload(), "signature", r.receipt().signature()));
    return m;
  }
}
