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
 */
final class CookieConsent {
  /** The visitor's choice: {@code analytics} or {@code essential}. Essential itself: it remembers a refusal. */
  static final String COOKIE = "confide_cookies";

  record State(boolean showBanner, boolean analytics, boolean gpc) {}

  private final SubjectSettings settings;

  CookieConsent(SubjectSettings settings) {
    this.settings = settings;
  }

  State of(Context ctx, Optional<Visitor> visitor) {
    if ("1".equals(ctx.header("Sec-GPC"))) {
      return new State(false, false, true);
    }
    String choice = ctx.cookie(COOKIE);
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
