package dev.confide.http;

import dev.confide.crypto.CookieSealer;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The session cookie: session id and CSRF secret, sealed by {@link CookieSealer} (AES-256-GCM,
 * daily keys). HttpOnly, SameSite=Lax, and with TLS (or behind a TLS proxy) Secure with the
 * {@code __Host-} prefix. A cookie sealed yesterday is re-sealed with today's key on use.
 */
final class SessionCookie {
  private static final int ID = 32;
  private static final int CSRF = 32;

  private final CookieSealer sealer;
  private final boolean secure;
  private final String baseName;

  record Contents(byte[] sessionId, byte[] csrf) {}

  /** A session just opened: the CSRF token the client must echo, and when the session ends. */
  record Opened(String csrfToken, Instant expiresAt) {}

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** End users' session cookie. */
  SessionCookie(CookieSealer sealer, boolean secure) {
    this(sealer, secure, "confide_session");
  }

  /** A cookie of another name: staff sessions use their own, so the two can never be confused. */
  SessionCookie(CookieSealer sealer, boolean secure, String baseName) {
    this.sealer = sealer;
    this.secure = secure;
    this.baseName = baseName;
  }

  String name() {
    return secure ? "__Host-" + baseName : baseName;
  }

  /**
   * Opens a session for {@code subject} in {@code sessions} with a fresh CSRF secret and sets its
   * cookie. Against session fixation the id is always new, and a session the request still carried
   * (someone else's planted cookie, or the caller's own earlier one) is revoked.
   */
  Opened open(Context ctx, dev.confide.identity.Sessions sessions, java.util.UUID subject, Instant now) {
    read(ctx).ifPresent(previous -> sessions.revoke(previous.sessionId()));
    dev.confide.identity.Sessions.Opened session = sessions.open(subject);
    byte[] csrf = new byte[CSRF];
    RANDOM.nextBytes(csrf);
    return new Opened(issue(ctx, session.sessionId(), csrf, session.expiresAt(), now), session.expiresAt());
  }

  /** Sets the cookie and returns the CSRF token the client must echo in {@code X-CSRF-Token}. */
  String issue(Context ctx, byte[] sessionId, byte[] csrf, Instant expiresAt, Instant now) {
    String token = sealer.seal(ByteBuffer.allocate(ID + CSRF).put(sessionId).put(csrf).array());
    long maxAge = Math.max(0, Duration.between(now, expiresAt).toSeconds());
    setCookie(ctx, token, maxAge);
    return csrfToken(csrf);
  }

  Optional<Contents> read(Context ctx) {
    String token = ctx.cookie(name());
    return sealer.open(token).filter(bytes -> bytes.length == ID + CSRF).map(bytes -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      byte[] id = new byte[ID];
      byte[] csrf = new byte[CSRF];
      buffer.get(id).get(csrf);
      return new Contents(id, csrf);
    });
  }

  /** Re-seals a cookie made before today with today's key, so it outlives yesterday's key. */
  void refreshIfOld(Context ctx, Contents contents, Instant expiresAt, Instant now) {
    String token = ctx.cookie(name());
    if (token != null && sealer.isFromBeforeToday(token)) {
      issue(ctx, contents.sessionId(), contents.csrf(), expiresAt, now);
    }
  }

  void clear(Context ctx) {
    setCookie(ctx, "", 0);
  }

  static String csrfToken(byte[] csrf) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(csrf);
  }

  private void setCookie(Context ctx, String value, long maxAgeSeconds) {
    StringBuilder cookie = new StringBuilder(name()).append('=').append(value)
        .append("; Path=/; Max-Age=").append(maxAgeSeconds).append("; HttpOnly; SameSite=Lax");
    if (secure) {
      cookie.append("; Secure");
    }
    ctx.res().addHeader("Set-Cookie", cookie.toString());
  }
}
