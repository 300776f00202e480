package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Statistical checks of the exact samplers over many draws. Randomness comes from a seeded SHA1PRNG
 * (deterministic once seeded before first use), so every run sees the same draws; tolerances are
 * five standard errors, so a change of seed would still almost surely pass.
 */
@Tag("P13")
class DiscreteNoiseTest {
  private static final double Z = 5;

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(BigInteger.valueOf(seed).toByteArray());
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static BigInteger big(long value) {
    return BigInteger.valueOf(value);
  }

  @Test
  void bernoulliExpHasFrequencyExpMinusGamma() {
    DiscreteNoise noise = new DiscreteNoise(seeded(1));
    long[][] gammas = {{1, 3}, {1, 1}, {5, 2}, {7, 1}, {123_456_789_012L, 98_765_432_109L}};
    int n = 60_000;
    for (long[] gamma : gammas) {
      int ones = 0;
      for (int i = 0; i < n; i++) {
        ones += noise.bernoulliExp(big(gamma[0]), big(gamma[1])) ? 1 : 0;
      }
      double p = Math.exp(-(double) gamma[0] / gamma[1]);
      assertThat((double) ones / n).as("Bernoulli(exp(-%d/%d))", gamma[0], gamma[1])
          .isCloseTo(p, org.assertj.core.data.Offset.offset(Z * Math.sqrt(p * (1 - p) / n) + 1e-12));
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(noise.bernoulliExp(BigInteger.ZERO, big(7))).as("exp(0) = 1").isTrue();
    }
  }

  @Test
  void discreteLaplaceMatchesItsClosedForm() {
    // scale 3 (t/s = 3/1), a fractional scale 2/5, and the shape the mechanism uses: Δ·10^6 / ε_micros
    checkLaplace(big(3), big(1), 200_000, 11);
    checkLaplace(big(2), big(5), 100_000, 12);
    checkLaplace(big(2_000_000), big(750_000), 100_000, 13); // Δ = 2, ε = 0.75: scale 8/3
  }

  private void checkLaplace(BigInteger scaleNumerator, BigInteger scaleDenominator, int n, long seed) {
    DiscreteNoise noise = new DiscreteNoise(seeded(seed));
    double scale = scaleNumerator.doubleValue() / scaleDenominator.doubleValue();
    double q = Math.exp(-1 / scale);
    double variance = 2 * q / ((1 - q) * (1 - q));
    Sample sample = Sample.draw(n, () -> noise.laplace(scaleNumerator, scaleDenominator).longValueExact());
    String what = "discrete Laplace, scale " + scaleNumerator + "/" + scaleDenominator;

    assertThat(sample.mean()).as(what + ": mean").isCloseTo(0, within(Z * Math.sqrt(variance / n)));
    assertThat(sample.variance()).as(what + ": variance 2q/(1-q)^2 = " + variance)
        .isCloseTo(variance, within(Z * sample.varianceStandardError()));
    // P[Y = y] = (1-q)/(1+q) q^|y|, so P[Y >= k] = q^k/(1+q) for k >= 1, and P[|Y| >= k] = 2q^k/(1+q).
    for (int y = -4; y <= 4; y++) {
      double p = (1 - q) / (1 + q) * Math.pow(q, Math.abs(y));
      int value = y;
      assertThat(sample.frequency(v -> v == value)).as(what + ": P[Y = " + y + "]").isCloseTo(p, binomial(p, n));
    }
    for (int k : new int[] {1, 3, (int) Math.ceil(3 * scale), (int) Math.ceil(6 * scale)}) {
      double tail = 2 * Math.pow(q, k) / (1 + q);
      assertThat(sample.frequency(v -> Math.abs(v) >= k)).as(what + ": P[|Y| >= " + k + "]")
          .isCloseTo(tail, binomial(tail, n));
    }
    assertSymmetric(sample, what);
  }

  @Test
  void discreteGaussianMatchesItsExactDistribution() {
    checkGaussian(big(4), big(1), 200_000, 21);    // σ = 2
    checkGaussian(big(1), big(3), 100_000, 22);    // σ < 1, where the variance is well below σ²
    checkGaussian(big(1369), big(4), 60_000, 23);  // σ = 18.5, t = 19
  }

  private void checkGaussian(BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator, int n, long seed) {
    DiscreteNoise noise = new DiscreteNoise(seeded(seed));
    double sigmaSquared = sigmaSquaredNumerator.doubleValue() / sigmaSquaredDenominator.doubleValue();
    Pmf pmf = Pmf.discreteGaussian(sigmaSquared);
    Sample sample = Sample.draw(n, () -> noise.gaussian(sigmaSquaredNumerator, sigmaSquaredDenominator).longValueExact());
    String what = "discrete Gaussian, σ² = " + sigmaSquaredNumerator + "/" + sigmaSquaredDenominator;

    // Var < σ² exactly (CKS 2020); for σ >= 1 the gap is below double precision, hence the 1e-12.
    assertThat(pmf.variance()).as(what + ": exact variance is at most σ²").isLessThanOrEqualTo(sigmaSquared * (1 + 1e-12));
    if (sigmaSquared >= 1) {
      assertThat(pmf.variance()).as(what + ": and close to it for σ >= 1").isGreaterThan(0.99 * sigmaSquared);
    }
    assertThat(sample.mean()).as(what + ": mean").isCloseTo(0, within(Z * Math.sqrt(pmf.variance() / n)));
    assertThat(sample.variance()).as(what + ": variance " + pmf.variance())
        .isCloseTo(pmf.variance(), within(Z * sample.varianceStandardError()));
    for (int y = -3; y <= 3; y++) {
      double p = pmf.p(y);
      int value = y;
      assertThat(sample.frequency(v -> v == value)).as(what + ": P[Y = " + y + "]").isCloseTo(p, binomial(p, n));
    }
    double sigma = Math.sqrt(sigmaSquared);
    for (double multiple : new double[] {1, 2, 3}) {
      long k = Math.max(1, (long) Math.ceil(multiple * sigma));
      double tail = pmf.tail(k);
      assertThat(sample.frequency(v -> Math.abs(v) >= k)).as(what + ": P[|Y| >= " + k + "]")
          .isCloseTo(tail, binomial(tail, n));
    }
    assertSymmetric(sample, what);
  }

  @Test
  void hugeRationalParametersStayExactAndSane() {
    DiscreteNoise noise = new DiscreteNoise(seeded(31));
    // σ² = (10^30 + 1) / 10^10, so σ ≈ 10^10 and every intermediate is far beyond a long
    BigInteger numerator = BigInteger.TEN.pow(30).add(BigInteger.ONE);
    BigInteger denominator = BigInteger.TEN.pow(10);
    int within3Sigma = 0;
    for (int i = 0; i < 300; i++) {
      BigInteger y = noise.gaussian(numerator, denominator);
      within3Sigma += y.abs().compareTo(BigInteger.valueOf(30_000_000_000L)) <= 0 ? 1 : 0;
    }
    assertThat(within3Sigma).isGreaterThanOrEqualTo(290);
    // Laplace with scale 10^40 / 3: its magnitude is around the scale, never absurd
    BigInteger scale = BigInteger.TEN.pow(40);
    for (int i = 0; i < 100; i++) {
      assertThat(noise.laplace(scale, big(3)).abs().bitLength()).isLessThan(150);
    }
  }

  @Test
  void aSeededSourceReproducesItsDrawsAndAnotherSeedDoesNot() {
    long[] a = draws(new DiscreteNoise(seeded(41)));
    long[] b = draws(new DiscreteNoise(seeded(41)));
    long[] c = draws(new DiscreteNoise(seeded(42)));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  private static long[] draws(DiscreteNoise noise) {
    long[] values = new long[200];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i % 2 == 0 ? noise.laplace(big(5), big(1)) : noise.gaussian(big(9), big(1))).longValueExact();
    }
    return values;
  }

  @Test
  void refusesParametersOutsideTheDomain() {
    DiscreteNoise noise = new DiscreteNoise(seeded(51));
    assertThatThrownBy(() -> noise.laplace(BigInteger.ZERO, big(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> noise.laplace(big(1), BigInteger.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> noise.gaussian(big(-1), big(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> noise.bernoulliExp(big(-1), big(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DiscreteNoise(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theSamplerSourceHasNoFloatingPoint() throws Exception {
    Path source = Path.of("src/main/java/dev/confide/analytics/DiscreteNoise.java");
    String code = Files.readString(source, StandardCharsets.UTF_8).replaceAll("(?s)/\\*.*?\\*/", "")
        .replaceAll("//[^\\n]*", "");
    assertThat(code).doesNotContain("double", "float", "Math.", "nextGaussian", "BigDecimal");
  }

  // --- helpers ---

  private static void assertSymmetric(Sample sample, String what) {
    long positive = sample.count(v -> v > 0);
    long negative = sample.count(v -> v < 0);
    assertThat((double) Math.abs(positive - negative)).as(what + ": symmetric (" + positive + " vs " + negative + ")")
        .isLessThanOrEqualTo(Z * Math.sqrt(positive + negative));
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  private static org.assertj.core.data.Offset<Double> binomial(double p, int n) {
    return within(Z * Math.sqrt(p * (1 - p) / n) + 1e-9);
  }

  private record Sample(long[] values) {
    static Sample draw(int n, LongSupplier draw) {
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        values[i] = draw.getAsLong();
      }
      return new Sample(values);
    }

    double mean() {
      double sum = 0;
      for (long v : values) {
        sum += v;
      }
      return sum / values.length;
    }

    double variance() {
      double sum = 0;
      for (long v : values) {
        sum += (double) v * v; // the true mean is 0
      }
      return sum / values.length;
    }

    /** Standard error of the variance estimate: sqrt((E[Y^4] - Var^2) / n), from the sample. */
    double varianceStandardError() {
      double m4 = 0;
      for (long v : values) {
        double square = (double) v * v;
        m4 += square * square;
      }
      m4 /= values.length;
      double variance = variance();
      return Math.sqrt((m4 - variance * variance) / values.length);
    }

    long count(java.util.function.LongPredicate predicate) {
      long count = 0;
      for (long v : values) {
        count += predicate.test(v) ? 1 : 0;
      }
      return count;
    }

    double frequency(java.util.function.LongPredicate predicate) {
      return (double) count(predicate) / values.length;
    }
  }

  /** The discrete Gaussian's probabilities, computed numerically (test-side only). */
  private record Pmf(double sigmaSquared, double normalizer, long support) {
    static Pmf discreteGaussian(double sigmaSquared) {
      long support = (long) Math.ceil(40 * Math.sqrt(sigmaSquared)) + 40;
      double normalizer = 0;
      for (long x = -support; x <= support; x++) {
        normalizer += Math.exp(-(double) x * x / (2 * sigmaSquared));
      }
      return new Pmf(sigmaSquared, normalizer, support);
    }

    double p(long x) {
      return Math.exp(-(double) x * x / (2 * sigmaSquared)) / normalizer;
    }

    double variance() {
      double sum = 0;
      for (long x = -support; x <= support; x++) {
        sum += (double) x * x * p(x);
      }
      return sum;
    }

    /** P[|Y| >= k] for k >= 1. */
    double tail(long k) {
      double sum = 0;
      for (long x = k; x <= support; x++) {
        sum += 2 * p(x);
      }
      return sum;
    }
  }
}
