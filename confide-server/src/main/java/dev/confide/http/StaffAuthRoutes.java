package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.identity.Sessions;
import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Staff sign-in, separate from end users (P21): password plus TOTP at {@code POST /api/admin/login},
 * a staff session cookie of its own with a short life, CSRF on every state change, and a forced
 * password change after a one-time password. Every other {@code /api/admin} route sees a
 * {@link StaffPrincipal} or never runs.
 */
final class StaffAuthRoutes {
  static final String LOGIN = "/api/admin/login";
  private static final String PASSWORD = "/api/admin/password";
  private static final String LOGOUT = "/api/admin/logout";
  static final String STAFF = "confide.staff";

  private final Confide confide;
  private final SessionCookie cookie;
  private final ClientAddress clients;
  private final LoginThrottle throttle;

  StaffAuthRoutes(Confide confide, SessionCookie cookie, ClientAddress clients, LoginThrottle throttle) {
    this.confide = confide;
    this.cookie = cookie;
    this.clients = clients;
    this.throttle = throttle;
  }

  void register(RoutesConfig routes) {
    routes.before("/api/admin/*", this::authenticate);
    routes.post(LOGIN, this::logIn);
    routes.post(LOGOUT, this::logOut);
    routes.post(PASSWORD, this::changePassword);
    routes.get("/api/admin/me", this::me);
  }

  static StaffPrincipal staff(Context ctx) {
    StaffPrincipal staff = ctx.attribute(STAFF);
    if (staff == null) {
      throw new Problem(Problem.Kind.UNAUTHENTICATED, "unauthenticated", "staff sign-in required");
    }
    return staff;
  }

  private void authenticate(Context ctx) {
    if (ctx.method() == HandlerType.OPTIONS || ctx.path().equals(LOGIN)) {
      return;
    }
    Problem unauthenticated = new Problem(Problem.Kind.UNAUTHENTICATED, "unauthenticated", "staff sign-in required");
    SessionCookie.Contents contents = cookie.read(ctx).orElseThrow(() -> unauthenticated);
    UUID id = confide.staffSessions.resolve(contents.sessionId()).orElseThrow(() -> unauthenticated);
    StaffDirectory.Member member = confide.staff.member(id).orElseThrow(() -> unauthenticated);
    if (ConfideHttp.changesState(ctx.method())) {
      String sent = ctx.header("X-CSRF-Token");
      byte[] expected = SessionCookie.csrfToken(contents.csrf()).getBytes();
      if (sent == null || !MessageDigest.isEqual(sent.getBytes(), expected)) {
        throw new Problem(Problem.Kind.FORBIDDEN, "csrf_failed",
            "send the csrfToken from the staff log-in in the X-CSRF-Token header");
      }
    }
    if (!ctx.path().equals(PASSWORD) && !ctx.path().equals(LOGOUT) && member.passwordChangeRequired()) {
      throw new Problem(Problem.Kind.FORBIDDEN, "password_change_required",
          "replace the one-time password first: POST /api/admin/password");
    }
    ctx.attribute(STAFF, new StaffPrincipal(id, member.roles(), contents.sessionId(), contents.csrf()));
  }

  private void logIn(Context ctx) {
    JsonBody body = JsonBody.read(ctx, Set.of("email", "password", "totp"));
    String email = body.requiredString("email");
    char[] password = body.requiredString("password").toCharArray();
    String totp = body.requiredString("totp");
    throttle.admit(clients.of(ctx), ("staff:" + email.strip().toLowerCase(java.util.Locale.ROOT)).getBytes());
    try {
      StaffDirectory.SignedIn signedIn = confide.staff.signIn(email, password, totp).orElse(null);
      if (signedIn == null) {
        auditFailedLogIn(email);
        throw new Problem(Problem.Kind.UNAUTHENTICATED, "invalid_credentials", "email, password or authenticator code is wrong");
      }
      SessionCookie.Opened session = cookie.open(ctx, confide.staffSessions, signedIn.id(), confide.clock.instant());
      confide.auditLog.append(dev.confide.audit.AuditEvent.of(dev.confide.audit.Actor.staff(signedIn.id()),
          dev.confide.audit.AuditActions.STAFF_LOGIN));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", signedIn.id().toString());
      out.put("roles", signedIn.roles().stream().map(StaffRole::wireName).sorted().toList());
      out.put("csrfToken", session.csrfToken());
      out.put("passwordChangeRequired", signedIn.passwordChangeRequired());
      out.put("expiresAt", session.expiresAt());
      ctx.json(out);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * A failed sign-in to a real staff account is audited against that account (P22), so guessing at
   * one member's second factor shows in the log. The throttle has already capped the attempts that
   * get this far (a few a minute per account), so an attacker cannot flood the audit chain.
   */
  private void auditFailedLogIn(String email) {
    java.util.Optional<java.util.UUID> member;
    try {
      member = confide.staff.idByEmail(email);
    } catch (Problem malformed) {
      return;
    }
    member.ifPresent(id -> confide.auditLog.append(dev.confide.audit.AuditEvent.of(dev.confide.audit.Actor.staff(id),
        dev.confide.audit.AuditActions.STAFF_LOGIN_FAILED)));
  }

  private void logOut(Context ctx) {
    confide.staffSessions.revoke(staff(ctx).sessionId());
    cookie.clear(ctx);
    ctx.status(204);
  }

  private void changePassword(Context ctx) {
    JsonBody body = JsonBody.read(ctx, Set.of("currentPassword", "newPassword"));
    char[] current = body.requiredString("currentPassword").toCharArray();
    char[] replacement = body.requiredString("newPassword").toCharArray();
    StaffPrincipal staff = staff(ctx);
    try {
      // A stolen session must not be able to guess the current password at leisure.
      throttle.admit(clients.of(ctx), ("staff-password:" + staff.staffId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      confide.staff.changePassword(staff.staffId(), current, replacement);
      confide.staffSessions.revokeAllExcept(staff.staffId(), staff.sessionId());
      ctx.status(204);
    } finally {
      Arrays.fill(current, '\0');
      Arrays.fill(replacement, '\0');
    }
  }

  private void me(Context ctx) {
    StaffPrincipal staff = staff(ctx);
    ctx.json(Map.of("id", staff.staffId().toString(),
        "roles", staff.roles().stream().map(StaffRole::wireName).sorted().toList()));
  }
}
