package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.disclosure.SubjectRegions;
import dev.confide.identity.ApiKeys;
import dev.confide.identity.Profile;
import dev.confide.identity.ProfileChanges;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The caller's own profile (view and correct, P24) and API keys. */
final class AccountRoutes {
  private final Confide confide;
  private final SessionCookie cookie;
  private final ClientAddress clients;
  private final LoginThrottle throttle;

  AccountRoutes(Confide confide, SessionCookie cookie, ClientAddress clients, LoginThrottle throttle) {
    this.confide = confide;
    this.cookie = cookie;
    this.clients = clients;
    this.throttle = throttle;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/me", this::me);
    routes.patch("/api/me", this::correct);
    routes.post("/api/me/email/verify", this::verifyEmail);
    routes.post("/api/me/email/resend", this::resendCode);
    routes.delete("/api/me", this::erase);
    routes.get("/api/privacy/receipt-key", ctx -> ctx.json(Map.of("format", "tink-json-public-keyset", "algorithm", "ECDSA_P256",
        "keyset", confide.erasure.receiptKey())));
    routes.post("/api/keys", this::createKey);
    routes.get("/api/keys", this::listKeys);
    routes.delete("/api/keys/{id}", this::revokeKey);
  }

  private void me(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    ctx.json(view(confide.accounts.profile(subject).orElseThrow(() -> Problem.notFound("no such account"))));
  }

  /**
   * P24 corrections, and of the data region (P36), which decides where the subject's data may go. A
   * new e-mail address waits for the code mailed to it (the response's {@code pendingEmail}); the
   * other fields change at once.
   */
  private void correct(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    UUID subject = principal.subject();
    JsonBody body = JsonBody.read(ctx, Set.of("name", "email", "company", "role", "preferences", "region"));
    if (body.has("email")) {
      principal.requireSession("the account's e-mail address is changed"); // where its codes and notices go
      // "email_taken" tells whether another account has that address: no faster than log-in tells it.
      throttle.admit(clients.of(ctx), ("email-change:" + subject).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String region = body.has("region") ? SubjectRegions.parse(body.requiredString("region")) : null;
    ProfileChanges changes = new ProfileChanges(
        body.has("name") ? Optional.of(body.requiredString("name")) : Optional.empty(),
        body.has("company") ? Optional.of(body.optionalString("company")) : Optional.empty(),
        body.has("role") ? Optional.of(body.optionalString("role")) : Optional.empty(),
        body.has("preferences") ? Optional.of(body.requiredObject("preferences")) : Optional.empty());
    Optional<String> email = body.has("email") ? Optional.of(body.requiredString("email")) : Optional.empty();
    Profile corrected = confide.emailVerification.correct(subject, changes, email);
    if (region != null) {
      confide.regions.set(subject, region);
    }
    ctx.json(view(corrected));
  }

  /** The code mailed to the address (or to the new one of a pending change) proves the address is the person's. */
  private void verifyEmail(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    principal.requireSession("an e-mail address is verified"); // it moves the account's log-in to the new address
    String code = JsonBody.read(ctx, Set.of("code")).requiredString("code");
    ctx.json(view(confide.emailVerification.verify(principal.subject(), code)));
  }

  /** A new code to the pending new address, else to the unverified current one; a few an hour at most. */
  private void resendCode(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    principal.requireSession("verification codes are sent");
    confide.emailVerification.resend(principal.subject());
    ctx.status(204);
  }

  /** P25: erases the caller's account at once and returns the signed receipt. */
  private void erase(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    principal.requireSession("an account is erased");
    var receipt = confide.erasure.erase(principal.subject(), "user_request");
    cookie.clear(ctx);
    ctx.json(Map.of("receipt", Map.of("payload", receipt.payload(), "signature", receipt.signature())));
  }

  private void createKey(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    principal.requireSession("API keys are created");
    Optional<String> name = Optional.empty();
    if (ctx.contentLength() != 0 && ctx.bodyAsBytes().length > 0) {
      name = JsonBody.read(ctx, Set.of("name")).optionalString("name");
    }
    ApiKeys.Created created = confide.apiKeys.create(principal.subject(), name.orElse(null));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", created.id().toString());
    body.put("secret", created.secret());
    body.put("hint", created.hint());
    body.put("createdAt", created.createdAt());
    ctx.status(201).json(body);
  }

  private void listKeys(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    ctx.json(ConfideHttp.data(confide.apiKeys.list(subject).stream().map(k -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", k.id().toString());
      m.put("name", k.name());
      m.put("hint", k.hint());
      m.put("createdAt", k.createdAt());
      m.put("lastUsedAt", k.lastUsedAt());
      m.put("revokedAt", k.revokedAt());
      return m;
    }).toList()));
  }

  private void revokeKey(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    confide.apiKeys.revoke(subject, PathIds.uuid(ctx, "API key"));
    ctx.status(204);
  }

  private Map<String, Object> view(Profile p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.subjectId().toString());
    m.put("name", p.name());
    m.put("email", p.email());
    m.put("emailVerified", p.isEmailVerified());
    m.put("emailVerifiedAt", p.emailVerifiedAt());
    m.put("pendingEmail", p.pendingEmail());
    m.put("company", p.company());
    m.put("role", p.role());
    m.put("preferences", p.preferences());
    m.put("region", confide.regions.region(p.subjectId()));
    m.put("createdAt", p.createdAt());
    m.put("updatedAt", p.updatedAt());
    return m;
  }
}
