package dev.confide.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.consent.Settings;
import dev.confide.identity.Profile;
import dev.confide.problem.Problem;
import dev.confide.rights.PrivacyRequests;
import io.javalin.config.RoutesConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The privacy center: the e-mail address with its verification and a change waiting for its code,
 * every setting of {@code /api/settings} with plain-language help, download my data, my privacy
 * requests with their deadlines and receipts, every notice (acknowledged ones with their date),
 * and deleting the account.
 */
final class PrivacyCenterPages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Pages pages;
  private final Confide confide;

  PrivacyCenterPages(Pages pages, Confide confide) {
    this.pages = pages;
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/privacy-center", pages.html(ctx -> {
      UUID subject = pages.requireVisitor(ctx).subject();
      Frame frame = pages.frame(ctx, "Privacy center", "privacy");
      pages.page(ctx, "privacy/center.jte", frame, Map.of(
          "profile", profile(subject),
          "settings", confide.settings.get(subject),
          "purposes", new TreeSet<>(Settings.PURPOSES),
          "communication", new TreeSet<>(Settings.COMMUNICATION),
          "requests", requests(subject),
          "notices", confide.notices.list(subject),
          "deletionWindowDays", confide.config.keys().deletionWindowDays()));
    }));
    routes.get("/privacy-center/requests", pages.html(ctx ->
        pages.fragment(ctx, "privacy/requests.jte", Map.of("requests", requests(pages.requireVisitor(ctx).subject())))));
    routes.get("/privacy-center/email", pages.html(ctx ->
        pages.fragment(ctx, "privacy/email.jte", Map.of("profile", profile(pages.requireVisitor(ctx).subject())))));
    routes.get("/privacy-center/notices", pages.html(ctx ->
        pages.fragment(ctx, "privacy/notices.jte", Map.of("notices", confide.notices.list(pages.requireVisitor(ctx).subject())))));
  }

  private Profile profile(UUID subject) {
    return confide.accounts.profile(subject).orElseThrow(() -> Problem.notFound("no such account"));
  }

  private List<RequestRow> requests(UUID subject) {
    Instant now = confide.clock.instant();
    return confide.privacyRequests.list(subject).stream().map(r -> new RequestRow(r,
        Format.countdown(r.dueAt(), now), r.receipt() == null ? null : outcome(r.receipt().payload()),
        r.downloadable() && r.downloadExpiresAt() != null && now.isBefore(r.downloadExpiresAt()))).toList();
  }

  private static String outcome(String receiptPayload) {
    try {
      String outcome = JSON.readTree(receiptPayload).path("outcome").asText("");
      return outcome.isEmpty() ? null : Character.toUpperCase(outcome.charAt(0)) + outcome.substring(1) + ".";
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
