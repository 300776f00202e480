package dev.confide.analytics;

import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Thumbs up and down per model, released with differential privacy (P06, P13). The input is the
 * subjects' own ratings ({@code message_feedback} with each answer's model), which name their
 * subject, so the privacy unit is one person: subjects who restricted processing (P26) or object to
 * analytics (P28) are left out, and each remaining subject counts with at most {@code
 * maxThumbsPerSubject} ratings in all, the first ones in (model, rating) order; the rest are
 * dropped.
 *
 * <p>The release is a histogram over models × {up, down}. The models come from the caller (the
 * deployment's configured models), never from the data, so which models are listed reveals
 * nothing. Adding or removing one subject changes the histogram by at most m = {@code
 * maxThumbsPerSubject} in L1 norm, so discrete Laplace noise of scale m/ε on every cell makes the
 * whole release ε-DP; it is charged once to the {@link #BUDGET_PURPOSE} budget before any noise is
 * drawn, and refused when the budget cannot pay. Counts below zero are shown as zero
 * (post-processing).
 */
public final class ThumbsStatistics {
  public static final String BUDGET_PURPOSE = "thumbs-per-model";
  public static final int MAX_MODELS = 1000;
  private static final List<String> RATINGS = List.of("up", "down");

  private final Jdbi jdbi;
  private final SubjectSettings settings;
  private final PrivacyBudget budget;
  private final Epsilon totalBudget;
  private final int maxThumbsPerSubject;
  private final DiscreteNoise noise;

  /** One subject's rating of one model's answer; {@code subject} is any stable key for the person. */
  public record Thumb(Object subject, String model, String rating) {}

  /** Noisy counts for one model. */
  public record ModelThumbs(String model, long up, long down) {}

  /**
   * A release: the noisy counts, the ε it cost, the per-subject bound and the resulting Laplace
   * scale (m/ε) of the noise on every count, so readers can judge its error.
   */
  public record Release(List<ModelThumbs> models, Epsilon epsilon, int maxThumbsPerSubject, BigDecimal noiseScale) {
    public Release {
      models = List.copyOf(models);
    }
  }

  /**
   * @param totalBudget the ε every thumbs release together may ever spend (defined once, never raised)
   * @param random {@code new SecureRandom()} in production; a seeded one in tests
   */
  public ThumbsStatistics(Jdbi jdbi, SubjectSettings settings, PrivacyBudget budget, Epsilon totalBudget,
      int maxThumbsPerSubject, SecureRandom random) {
    if (maxThumbsPerSubject < 1) {
      throw new IllegalArgumentException("maxThumbsPerSubject must be at least 1");
    }
    this.jdbi = jdbi;
    this.settings = settings;
    this.budget = budget;
    this.totalBudget = Objects.requireNonNull(totalBudget, "totalBudget");
    this.maxThumbsPerSubject = maxThumbsPerSubject;
    this.noise = new DiscreteNoise(random);
  }

  /** Releases the thumbs of {@code models} from the stored ratings. See {@link #release(List, Collection, Epsilon)}. */
  public Release release(List<String> models, Epsilon epsilon) {
    return release(models, storedThumbs(), epsilon);
  }

  /**
   * Releases noisy thumbs counts of {@code models} from {@code thumbs}.
   *
   * @throws Problem CONFLICT {@code privacy_budget_exhausted} when the budget cannot pay for ε
   *     (nothing is released or charged); INVALID {@code invalid_models} for an empty, repeated or
   *     overlong model list
   */
  public Release release(List<String> models, Collection<Thumb> thumbs, Epsilon epsilon) {
    Objects.requireNonNull(epsilon, "epsilon");
    List<String> domain = domain(models);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < domain.size(); i++) {
      index.put(domain.get(i), i);
    }
    List<Thumb> relevant = thumbs.stream()
        .filter(t -> index.containsKey(t.model()) && RATINGS.contains(t.rating())).toList();
    long[][] exact = new long[domain.size()][RATINGS.size()];
    for (Thumb t : ContributionBounds.limitPerSubject(relevant, Thumb::subject, maxThumbsPerSubject)) {
      exact[index.get(t.model())][RATINGS.indexOf(t.rating())]++;
    }
    charge(epsilon, domain.size());
    // scale m/ε = m·10^6 / ε_micros, exactly
    BigInteger scaleNumerator = BigInteger.valueOf(maxThumbsPerSubject).multiply(BigInteger.valueOf(Epsilon.MICROS_PER_UNIT));
    BigInteger scaleDenominator = BigInteger.valueOf(epsilon.micros());
    List<ModelThumbs> released = new ArrayList<>();
    for (int i = 0; i < domain.size(); i++) {
      released.add(new ModelThumbs(domain.get(i),
          noisy(exact[i][0], scaleNumerator, scaleDenominator), noisy(exact[i][1], scaleNumerator, scaleDenominator)));
    }
    BigDecimal scale = new BigDecimal(scaleNumerator).divide(new BigDecimal(scaleDenominator), 6, RoundingMode.HALF_UP)
        .stripTrailingZeros();
    return new Release(released, epsilon, maxThumbsPerSubject, scale);
  }

  private void charge(Epsilon epsilon, int models) {
    try {
      budget.define(BUDGET_PURPOSE, totalBudget);
    } catch (IllegalStateException e) {
      throw new Problem(Problem.Kind.CONFLICT, "privacy_budget_fixed",
          "the thumbs-statistics privacy budget was defined with another total; budgets are never raised or reset");
    }
    try {
      budget.spend(BUDGET_PURPOSE, epsilon, Delta.ZERO,
          "thumbs up/down per model (" + models + " models, at most " + maxThumbsPerSubject + " per subject)");
    } catch (PrivacyBudgetExceededException e) {
      throw new Problem(Problem.Kind.CONFLICT, "privacy_budget_exhausted",
          "the privacy budget for thumbs statistics cannot pay for this release");
    }
  }

  private long noisy(long exact, BigInteger scaleNumerator, BigInteger scaleDenominator) {
    BigInteger value = BigInteger.valueOf(exact).add(noise.laplace(scaleNumerator, scaleDenominator));
    return value.max(BigInteger.ZERO).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  private static List<String> domain(List<String> models) {
    if (models == null || models.isEmpty() || models.size() > MAX_MODELS || models.stream().anyMatch(Objects::isNull)) {
      throw Problem.invalid("invalid_models", "name 1 to " + MAX_MODELS + " models");
    }
    Set<String> distinct = new LinkedHashSet<>(models);
    if (distinct.size() != models.size()) {
      throw Problem.invalid("invalid_models", "each model may be named once");
    }
    return List.copyOf(distinct);
  }

  /**
   * The stored ratings of subjects who allow analytics; at most the bound per subject is read into
   * memory. Only subjects with an account: an erased subject's ratings wait for the purge, but
   * must not be counted meanwhile.
   */
  private List<Thumb> storedThumbs() {
    record Group(UUID subject, String model, String rating, long count) {}
    List<Group> groups = jdbi.withHandle(h -> h.createQuery("""
            SELECT f.subject_id, m.model, f.rating, COUNT(*) FROM message_feedback f JOIN messages m ON m.id = f.message_id
            JOIN accounts a ON a.subject_id = f.subject_id
            WHERE m.model IS NOT NULL
            GROUP BY f.subject_id, m.model, f.rating
            ORDER BY f.subject_id, m.model, f.rating""")
        .map((rs, ctx) -> new Group(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getLong(4)))
        .list());
    Map<UUID, Boolean> allowed = new HashMap<>();
    List<Thumb> thumbs = new ArrayList<>();
    for (Group g : groups) {
      if (!allowed.computeIfAbsent(g.subject(), s -> settings.get(s).allowsAnalytics())) {
        continue;
      }
      for (long k = 0; k < Math.min(g.count(), maxThumbsPerSubject); k++) {
        thumbs.add(new Thumb(g.subject(), g.model(), g.rating()));
      }
    }
    return thumbs;
  }
}
