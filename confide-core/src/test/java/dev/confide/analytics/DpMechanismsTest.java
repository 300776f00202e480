package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.store.Database;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link PrivateStatistics}: bounding, calibration, and the budget charged before any noise. */
@Tag("P13")
class DpMechanismsTest {
  @TempDir Path tmp;

  /** ε so large that the noise is 0 except with probability about exp(-10^6): the exact bounded value shows. */
  private static final Epsilon HUGE = Epsilon.ofMicros(Epsilon.MAX_MICROS);

  private static List<SubjectRow> rows() {
    UUID alice = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    UUID bob = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    List<SubjectRow> rows = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      rows.add(new SubjectRow(alice, 100)); // alice keeps 3 rows, clamped to 10
    }
    rows.add(new SubjectRow(bob, -3)); // clamped to 0
    rows.add(new SubjectRow(bob, 4));
    return rows;
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void releasesTheBoundedValuesAndChargesEachOne(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("exact-check", Epsilon.ofMicros(Epsilon.MAX_MICROS), Delta.of("0.5"));
      PrivateStatistics stats = new PrivateStatistics(budget, "exact-check", 3, DiscreteNoiseTest.seeded(1));

      assertThat(stats.count("count", rows(), Epsilon.ofMicros(HUGE.micros() / 4))).isEqualTo(5);
      assertThat(stats.boundedSum("sum", rows(), 0, 10, Epsilon.ofMicros(HUGE.micros() / 4))).isEqualTo(30 + 0 + 4);
      assertThat(stats.gaussianCount("gaussian count", rows(), Epsilon.ofMicros(HUGE.micros() / 4), Delta.of("0.1")))
          .isEqualTo(5);
      assertThat(stats.gaussianBoundedSum("gaussian sum", rows(), 0, 10, Epsilon.ofMicros(HUGE.micros() / 4),
          Delta.of("0.1"))).isEqualTo(34);

      assertThat(budget.releases("exact-check")).extracting(PrivacyBudget.Release::description)
          .containsExactly("count", "sum", "gaussian count", "gaussian sum");
      assertThat(budget.releases("exact-check")).extracting(PrivacyBudget.Release::delta)
          .containsExactly(Delta.ZERO, Delta.ZERO, Delta.of("0.1"), Delta.of("0.1"));
      assertThat(budget.balance("exact-check").orElseThrow().remainingEpsilonMicros()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aRefusedReleaseDrawsNoNoiseAndRecordsNothing(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("leaderboard", Epsilon.of("1"));
      new PrivateStatistics(budget, "leaderboard", 2, DiscreteNoiseTest.seeded(2))
          .count("first", rows(), Epsilon.of("0.6"));

      PrivateStatistics noRandomness = new PrivateStatistics(budget, "leaderboard", 2, new RandomThatMustNotBeUsed());
      assertThatThrownBy(() -> noRandomness.count("second", rows(), Epsilon.of("0.6")))
          .isInstanceOf(PrivacyBudgetExceededException.class);
      assertThatThrownBy(() -> noRandomness.boundedSum("third", rows(), 0, 5, Epsilon.of("0.5")))
          .isInstanceOf(PrivacyBudgetExceededException.class);
      assertThatThrownBy(() -> noRandomness.gaussianCount("fourth", rows(), Epsilon.of("0.1"), Delta.of("1e-9")))
          .as("a pure-ε budget refuses a δ").isInstanceOf(PrivacyBudgetExceededException.class);
      assertThatThrownBy(() -> new PrivateStatistics(budget, "undefined", 2, new RandomThatMustNotBeUsed())
          .count("fifth", rows(), Epsilon.of("0.1"))).isInstanceOf(PrivacyBudgetExceededException.class);

      assertThat(budget.releases("leaderboard")).extracting(PrivacyBudget.Release::description).containsExactly("first");
      assertThat(budget.balance("leaderboard").orElseThrow().spentEpsilonMicros()).isEqualTo(600_000);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void realEpsilonsAddNoise(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("noisy", Epsilon.of("100"), Delta.of("1e-3"));
      PrivateStatistics stats = new PrivateStatistics(budget, "noisy", 3, DiscreteNoiseTest.seeded(3));
      Set<Long> counts = new HashSet<>();
      Set<Long> gaussianCounts = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        counts.add(stats.count("count " + i, rows(), Epsilon.of("0.5")));
        gaussianCounts.add(stats.gaussianCount("gaussian count " + i, rows(), Epsilon.of("0.5"), Delta.of("1e-5")));
      }
      assertThat(counts).hasSizeGreaterThan(5);
      assertThat(gaussianCounts).hasSizeGreaterThan(5);
      assertThat(budget.releases("noisy")).hasSize(80);
    }
  }

  @Test
  void gaussianCalibrationMeetsTheConversionConservatively() {
    for (String[] parameters : new String[][] {{"1", "1e-9"}, {"0.1", "1e-6"}, {"0.000001", "1e-18"}, {"8", "0.1"},
        {"1000000", "1e-12"}}) {
      Epsilon epsilon = Epsilon.of(parameters[0]);
      Delta delta = Delta.of(parameters[1]);
      double rho = GaussianCalibration.rho(epsilon, delta).doubleValue();
      double log = Math.log(1 / delta.value().doubleValue());
      double eps = epsilon.value().doubleValue();
      // ρ-zCDP ⇒ (ρ + 2·sqrt(ρ·ln(1/δ)), δ)-DP: the ε it implies is within ε, and barely below it
      double implied = rho + 2 * Math.sqrt(rho * log);
      assertThat(implied).as("ε implied by ρ for %s, %s", epsilon, delta).isLessThanOrEqualTo(eps).isGreaterThan(eps * 0.999_999);

      // σ² = Δ²/(2ρ), exactly, from the ρ used
      BigInteger[] sigmaSquared = GaussianCalibration.sigmaSquared(3, epsilon, delta);
      BigDecimal expected = BigDecimal.valueOf(9).divide(GaussianCalibration.rho(epsilon, delta).multiply(BigDecimal.valueOf(2)),
          java.math.MathContext.DECIMAL128);
      BigDecimal actual = new BigDecimal(sigmaSquared[0]).divide(new BigDecimal(sigmaSquared[1]), java.math.MathContext.DECIMAL128);
      assertThat(actual).isEqualByComparingTo(expected);
    }
    // a point of comparison: ε = 1, δ = 1e-5, Δ = 1 gives σ ≈ 4.90, next to the classic
    // continuous-Gaussian bound sqrt(2·ln(1.25/δ))·Δ/ε ≈ 4.85
    BigInteger[] s = GaussianCalibration.sigmaSquared(1, Epsilon.of("1"), Delta.of("1e-5"));
    double sigma = Math.sqrt(s[0].doubleValue() / s[1].doubleValue());
    assertThat(sigma).isBetween(4.85, 4.95);
    assertThatThrownBy(() -> GaussianCalibration.rho(Epsilon.of("1"), Delta.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructorRefusesNonsense() {
    PrivacyBudget budget = new PrivacyBudget(org.jdbi.v3.core.Jdbi.create("jdbc:h2:mem:unused"), MutableClock.at("2026-11-01T10:00:00Z"));
    assertThatThrownBy(() -> new PrivateStatistics(budget, "p", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrivateStatistics(budget, "", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrivateStatistics(budget, "p", 1, null)).isInstanceOf(NullPointerException.class);
  }

  /** Fails the test if a single random bit is asked for. */
  private static final class RandomThatMustNotBeUsed extends SecureRandom {
    private static final long serialVersionUID = 1L;

    @Override
    public void nextBytes(byte[] bytes) {
      throw new AssertionError("noise was drawn for a refused release");
    }

    @Override
    public int nextInt() {
      throw new AssertionError("noise was drawn for a refused release");
    }

    @Override
    public long nextLong() {
      throw new AssertionError("noise was drawn for a refused release");
    }

    @Override
    public int nextInt(int bound) {
      throw new AssertionError("noise was drawn for a refused release");
    }

    @Override
    public boolean nextBoolean() {
      throw new AssertionError("noise was drawn for a refused release");
    }
  }
}
