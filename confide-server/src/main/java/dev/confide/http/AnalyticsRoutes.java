package dev.confide.http;

import dev.confide.analytics.Epsilon;
import dev.confide.analytics.Leaderboard;
import dev.confide.analytics.ThumbsStatistics;
import dev.confide.app.Confide;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The staff API for model analytics: the leaderboard from anonymized decision data (P05), and
 * thumbs per model released with differential privacy, each release paid from its budget (P06, P13).
 */
final class AnalyticsRoutes {
  private static final StaffRole[] ANALYSTS = {StaffRole.ADMIN, StaffRole.PRIVACY_OFFICER};

  private final Confide confide;
  private final Leaderboard leaderboard = new Leaderboard();

  AnalyticsRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/admin/analytics/leaderboard", this::leaderboard);
    routes.post("/api/admin/analytics/thumbs", this::releaseThumbs);
  }

  /** JSON, or with {@code ?format=csv} a spreadsheet-safe CSV download. */
  private void leaderboard(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(ANALYSTS);
    String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
    if (!Set.of("json", "csv").contains(format)) {
      throw Problem.invalid("invalid_format", "format must be json or csv");
    }
    // Bootstrap resampling needs no secret randomness, only fresh randomness.
    Leaderboard.Standings standings = leaderboard.rank(confide.decisionData.tallies(), new SplittableRandom());
    if (format.equals("csv")) {
      ctx.header("Content-Disposition", "attachment; filename=\"leaderboard.csv\"");
      ctx.contentType("text/csv; charset=utf-8").result(standings.toCsv());
    } else {
      ctx.json(standings);
    }
  }

  /**
   * Releases noisy thumbs counts for every configured model, charging {@code epsilon} (a decimal
   * string; default from the configuration) to the thumbs budget; 409 once it cannot pay.
   */
  private void releaseThumbs(Context ctx) {
    StaffAuthRoutes.staff(ctx).requireAny(ANALYSTS);
    String requested = null;
    if (ctx.bodyAsBytes().length > 0) {
      requested = JsonBody.read(ctx, Set.of("epsilon")).optionalString("epsilon").orElse(null);
    }
    Epsilon epsilon;
    try {
      epsilon = Epsilon.of(requested != null ? requested : confide.config.analytics().thumbsEpsilonPerRelease());
    } catch (RuntimeException e) {
      throw Problem.invalid("invalid_epsilon", "epsilon must be a positive decimal string such as \"0.5\"");
    }
    ThumbsStatistics.Release release = confide.thumbs.release(confide.models.models(), epsilon);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("models", release.models());
    out.put("epsilon", release.epsilon().value().toPlainString());
    out.put("maxThumbsPerSubject", release.maxThumbsPerSubject());
    out.put("noiseScale", release.noiseScale().toPlainString());
    confide.privacyBudget.balance(ThumbsStatistics.BUDGET_PURPOSE).ifPresent(b -> out.put("budget", Map.of(
        "total", b.totalEpsilon().value().toPlainString(), "spent", b.spentEpsilon().toPlainString(),
        "remaining", java.math.BigDecimal.valueOf(b.remainingEpsilonMicros(), 6).stripTrailingZeros().toPlainString())));
    ctx.json(out);
  }
}
