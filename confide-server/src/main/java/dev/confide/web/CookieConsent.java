package dev.confide.web;

import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The cookie banner's decision (P38). Analytics run only after consent: a visitor's choice lives
 * in an essential cookie, a signed-in person's in their settings (and so in the consent ledger).
 * A request with {@code Sec-GPC: 1} never shows the banner and never allows analytics; for a
 * signed-in person the HTTP layer has already recorded the opt-out by then (P17).
 *
 * <p>The choice cookie is sealed like the session cookie (P19: AES-256-GCM, keys rotated daily) and
 * set by the server, so a page cannot forge a consent in it. A visit re-seals it with today's key;
 * one that comes back after more than a day without a visit finds it unreadable and is asked again,
 * which errs on the side of no analytics.
 */
final class CookieConsent {
  /** The visitor's choice, sealed: {@code analytics} or {@code essential}. Essential itself: it remembers a refusal. */
  static final String COOKIE = "confide_cookies";
  static final java.util.Set<String> CHOICES = java.util.Set.of("analytics", "essential");
  private static final long MAX_AGE_SECONDS = java.time.Duration.ofDays(180).toSeconds();

  record State(boolean showBanner, boolean analytics, boolean gpc) {}

  private final SubjectSettings settings;
  private final dev.confide.crypto.CookieSealer sealer;
  private final boolean secureCookies;

  CookieConsent(SubjectSettings settings, dev.confide.crypto.CookieSealer sealer, boolean secureCookies) {
    this.settings = settings;
    this.sealer = sealer;
    this.secureCookies = secureCookies;
  }

  /** Sets the visitor's choice, sealed. */
  void record(Context ctx, String choice) {
    if (!CHOICES.contains(choice)) {
      throw new IllegalArgumentException("not a cookie choice");
    }
    String token = sealer.seal(choice.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ctx.res().addHeader("Set-Cookie", COOKIE + "=" + token + "; Path=/; Max-Age=" + MAX_AGE_SECONDS + "; HttpOnly; SameSite=Lax"
        + (secureCookies || "https".equals(ctx.scheme()) ? "; Secure" : ""));
  }

  /** The choice the request's cookie holds, or null (none, forged, or sealed before yesterday). */
  private String choice(Context ctx) {
    String token = ctx.cookie(COOKIE);
    if (token == null) {
      return null;
    }
    String choice = sealer.open(token).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8))
        .filter(CHOICES::contains).orElse(null);
    if (choice != null && sealer.isFromBeforeToday(token)) {
      record(ctx, choice); // today's key, so it outlives yesterday's
    }
    return choice;
  }

  State of(Context ctx, Optional<Visitor> visitor) {
    if ("1".equals(ctx.header("Sec-GPC"))) {
      return new State(false, false, true);
    }
    String choice = choice(ctx);
    if (visitor.isEmpty()) {
      return new State(choice == null, "analytics".equals(choice), false);
    }
    Settings current = settings.get(visitor.get().subject());
    boolean decided = choice != null || current.analyticsCookies()
        || settings.ledger(visitor.get().subject()).stream().anyMatch(e -> e.setting().equals("analyticsCookies"));
    // Consent alone is not enough: a restriction (P26) or an objection to analytics (P28) stops it too.
    return new State(!decided, current.analyticsCookies() && current.allowsAnalytics(), false);
  }
}
