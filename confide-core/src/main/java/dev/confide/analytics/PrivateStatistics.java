package dev.confide.analytics;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Objects;

/**
 * Differentially private counts and bounded sums over rows that each name their data subject (P13:
 * published statistics carry DP noise). One instance serves one purpose of a {@link PrivacyBudget}:
 * every release is charged to that purpose first, and a release the budget cannot pay for is
 * refused with {@link PrivacyBudgetExceededException} before any noise is drawn or any value leaves.
 *
 * <p>Privacy unit: one data subject (add or remove all of one subject's rows). Before anything is
 * computed each subject keeps at most {@code maxContributionsPerSubject} rows — the first ones in the
 * collection's iteration order; the rest are dropped — and sums clamp each value into [lower,
 * upper]. Hence the sensitivities: count Δ = maxContributionsPerSubject; sum Δ =
 * maxContributionsPerSubject · max(|lower|, |upper|).
 *
 * <p>Noise: the discrete Laplace (geometric) mechanism with scale Δ/ε for ε-DP; or the discrete
 * Gaussian for (ε, δ)-DP with σ² = Δ²/(2ρ), ρ the largest value with ρ + 2·sqrt(ρ·ln(1/δ)) ≤ ε (see
 * docs/differential-privacy.md). Both are sampled exactly by {@link DiscreteNoise}. Results are the
 * exact bounded value plus noise, saturated to the range of {@code long} (post-processing).
 */
public final class PrivateStatistics {
  private final PrivacyBudget budget;
  private final String purpose;
  private final int maxContributionsPerSubject;
  private final DiscreteNoise noise;

  /** With noise from {@code new SecureRandom()}. */
  public PrivateStatistics(PrivacyBudget budget, String purpose, int maxContributionsPerSubject) {
    this(budget, purpose, maxContributionsPerSubject, new SecureRandom());
  }

  public PrivateStatistics(PrivacyBudget budget, String purpose, int maxContributionsPerSubject, SecureRandom random) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.purpose = PrivacyBudget.requirePurpose(purpose);
    if (maxContributionsPerSubject < 1) {
      throw new IllegalArgumentException("maxContributionsPerSubject must be at least 1");
    }
    this.maxContributionsPerSubject = maxContributionsPerSubject;
    this.noise = new DiscreteNoise(random);
  }

  /** An ε-DP count of the rows (after contribution bounding), with discrete Laplace noise. */
  public long count(String what, Collection<SubjectRow> rows, Epsilon epsilon) {
    long sensitivity = ContributionBounds.countSensitivity(maxContributionsPerSubject);
    BigInteger exact = BigInteger.valueOf(ContributionBounds.boundedCount(rows, maxContributionsPerSubject));
    return releaseLaplace(what, exact, sensitivity, epsilon);
  }

  /** An ε-DP sum of the values clamped into [lower, upper] (after contribution bounding), with discrete Laplace noise. */
  public long boundedSum(String what, Collection<SubjectRow> rows, long lower, long upper, Epsilon epsilon) {
    long sensitivity = ContributionBounds.sumSensitivity(maxContributionsPerSubject, lower, upper);
    BigInteger exact = ContributionBounds.boundedSum(rows, maxContributionsPerSubject, lower, upper);
    return releaseLaplace(what, exact, sensitivity, epsilon);
  }

  /** An (ε, δ)-DP count (after contribution bounding), with discrete Gaussian noise. */
  public long gaussianCount(String what, Collection<SubjectRow> rows, Epsilon epsilon, Delta delta) {
    long sensitivity = ContributionBounds.countSensitivity(maxContributionsPerSubject);
    BigInteger exact = BigInteger.valueOf(ContributionBounds.boundedCount(rows, maxContributionsPerSubject));
    return releaseGaussian(what, exact, sensitivity, epsilon, delta);
  }

  /** An (ε, δ)-DP sum of the values clamped into [lower, upper] (after contribution bounding), with discrete Gaussian noise. */
  public long gaussianBoundedSum(String what, Collection<SubjectRow> rows, long lower, long upper, Epsilon epsilon,
      Delta delta) {
    long sensitivity = ContributionBounds.sumSensitivity(maxContributionsPerSubject, lower, upper);
    BigInteger exact = ContributionBounds.boundedSum(rows, maxContributionsPerSubject, lower, upper);
    return releaseGaussian(what, exact, sensitivity, epsilon, delta);
  }

  private long releaseLaplace(String what, BigInteger exact, long sensitivity, Epsilon epsilon) {
    Objects.requireNonNull(epsilon, "epsilon");
    budget.spend(purpose, epsilon, Delta.ZERO, what); // throws before any noise is drawn
    // scale Δ/ε = Δ·10^6 / ε_micros, exactly
    BigInteger scaleNumerator = BigInteger.valueOf(sensitivity).multiply(BigInteger.valueOf(Epsilon.MICROS_PER_UNIT));
    return saturate(exact.add(noise.laplace(scaleNumerator, BigInteger.valueOf(epsilon.micros()))));
  }

  private long releaseGaussian(String what, BigInteger exact, long sensitivity, Epsilon epsilon, Delta delta) {
    Objects.requireNonNull(epsilon, "epsilon");
    Objects.requireNonNull(delta, "delta");
    BigInteger[] sigmaSquared = GaussianCalibration.sigmaSquared(sensitivity, epsilon, delta); // validates δ > 0
    budget.spend(purpose, epsilon, delta, what); // throws before any noise is drawn
    return saturate(exact.add(noise.gaussian(sigmaSquared[0], sigmaSquared[1])));
  }

  private static long saturate(BigInteger value) {
    if (value.bitLength() < Long.SIZE) {
      return value.longValueExact();
    }
    return value.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }
}
