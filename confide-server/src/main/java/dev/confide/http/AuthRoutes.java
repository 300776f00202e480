package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.disclosure.SubjectRegions;
import dev.confide.identity.NewAccount;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Sign-up, log-in and log-out. Sign-up and log-in open a session and return its CSRF token. */
final class AuthRoutes {

  private final Confide confide;
  private final SessionCookie cookie;
  private final ClientAddress clients;
  private final LoginThrottle throttle;

  AuthRoutes(Confide confide, SessionCookie cookie, ClientAddress clients, LoginThrottle throttle) {
    this.confide = confide;
    this.cookie = cookie;
    this.clients = clients;
    this.throttle = throttle;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/auth/signup", this::signUp);
    routes.post("/api/auth/login", this::logIn);
    routes.post("/api/auth/logout", this::logOut);
  }

  private void signUp(Context ctx) {
    JsonBody body = JsonBody.read(ctx, Set.of("name", "email", "password", "birthDate", "region"));
    String name = body.requiredString("name");
    String email = body.requiredString("email");
    char[] password = body.requiredString("password").toCharArray();
    var birthDate = body.requiredDate("birthDate");
    // P36: where the subject's data is governed; without one, the configured default applies.
    String region = body.optionalString("region").map(SubjectRegions::parse).orElse(null);
    throttle(ctx, null);
    try {
      UUID subject = confide.emailVerification.signUp(new NewAccount(name, email, password, birthDate));
      if (region != null) {
        confide.regions.set(subject, region);
      }
      confide.accessLog.record(subject, "signup", clients.of(ctx), ctx.header("User-Agent"));
      ctx.status(201).json(openSession(ctx, subject));
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private void logIn(Context ctx) {
    JsonBody body = JsonBody.read(ctx, Set.of("email", "password"));
    String email = body.requiredString("email");
    char[] password = body.requiredString("password").toCharArray();
    throttle(ctx, confide.accounts.emailIndexFor(email).orElse(null));
    try {
      UUID subject = confide.accounts.authenticate(email, password)
          .orElseThrow(() -> new Problem(Problem.Kind.UNAUTHENTICATED, "invalid_credentials", "email or password is wrong"));
      confide.accessLog.record(subject, "login", clients.of(ctx), ctx.header("User-Agent"));
      ctx.json(openSession(ctx, subject));
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private void logOut(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    if (principal.viaCookie()) {
      confide.sessions.revoke(principal.sessionId());
      cookie.clear(ctx);
    }
    ctx.status(204);
  }

  private Map<String, Object> openSession(Context ctx, UUID subject) {
    String csrfToken = cookie.open(ctx, confide.sessions, subject, confide.clock.instant()).csrfToken();
    return Map.of("id", subject.toString(), "csrfToken", csrfToken);
  }

  private void throttle(Context ctx, byte[] accountIndex) {
    throttle.admit(clients.of(ctx), accountIndex);
  }
}
