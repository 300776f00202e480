package dev.confide.analytics;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Exact samplers for integer-valued differential-privacy noise, after Canonne, Kamath and Steinke,
 * "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020, arXiv:2004.00010), section
 * "Sampling": Bernoulli(exp(-γ)) for rational γ, the discrete Laplace distribution by the geometric
 * method, and the discrete Gaussian by rejection from the discrete Laplace.
 *
 * <p>Every parameter is a ratio of integers and every step is integer arithmetic: the only source of
 * randomness is uniform integers drawn by rejection from the injected {@link SecureRandom}, so the
 * output distribution is exactly the stated one (no floating point, hence none of the low-order-bit
 * leaks Mironov showed in floating-point Laplace noise). Tests inject a seeded {@code SHA1PRNG};
 * production code uses {@code new SecureRandom()}.
 *
 * <p>Sampling time depends on the value drawn (the loops run longer for larger magnitudes), so the
 * time taken says something about the noise; see docs/differential-privacy.md.
 *
 * <p>Thread-safe when the {@link SecureRandom} is (the JDK's are).
 */
public final class DiscreteNoise {
  private static final BigInteger TWO = BigInteger.valueOf(2);

  private final SecureRandom random;

  public DiscreteNoise(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** One sample of Bernoulli(exp(-γ)) for γ = {@code numerator / denominator} ≥ 0. */
  public boolean bernoulliExp(BigInteger numerator, BigInteger denominator) {
    requireNonNegativeRatio(numerator, denominator, "gamma");
    // exp(-γ) = exp(-1)^floor(γ) · exp(-(γ - floor(γ))): sample the factors, stop at the first 0.
    BigInteger n = numerator;
    while (n.compareTo(denominator) > 0) {
      if (!bernoulliExpAtMostOne(BigInteger.ONE, BigInteger.ONE)) {
        return false;
      }
      n = n.subtract(denominator);
    }
    return bernoulliExpAtMostOne(n, denominator);
  }

  /**
   * One sample of the discrete Laplace distribution with scale b = {@code scaleNumerator /
   * scaleDenominator} &gt; 0: P[x] ∝ exp(-|x| / b) for every integer x. Adding it to an integer query of
   * sensitivity Δ with b = Δ/ε gives ε-differential privacy (the geometric mechanism).
   */
  public BigInteger laplace(BigInteger scaleNumerator, BigInteger scaleDenominator) {
    requirePositiveRatio(scaleNumerator, scaleDenominator, "scale");
    BigInteger gcd = scaleNumerator.gcd(scaleDenominator);
    BigInteger t = scaleNumerator.divide(gcd); // the paper's scale is t/s
    BigInteger s = scaleDenominator.divide(gcd);
    while (true) {
      // X = U + t·V is Geometric(1 - exp(-1/t)): U uniform in [0, t) kept with probability exp(-U/t),
      // V the number of successes of Bernoulli(exp(-1)) before the first failure.
      BigInteger u = uniformBelow(t);
      if (!bernoulliExp(u, t)) {
        continue;
      }
      BigInteger v = BigInteger.ZERO;
      while (bernoulliExpAtMostOne(BigInteger.ONE, BigInteger.ONE)) {
        v = v.add(BigInteger.ONE);
      }
      BigInteger y = u.add(t.multiply(v)).divide(s); // Geometric(1 - exp(-s/t))
      boolean negative = random.nextInt() < 0; // one fair bit
      if (negative && y.signum() == 0) {
        continue; // so that 0 is not counted twice
      }
      return negative ? y.negate() : y;
    }
  }

  /**
   * One sample of the discrete Gaussian N_Z(0, σ²) with σ² = {@code sigmaSquaredNumerator /
   * sigmaSquaredDenominator} &gt; 0: P[x] ∝ exp(-x² / (2σ²)) for every integer x. Its variance is
   * below σ² (and close to it once σ ≥ 1).
   */
  public BigInteger gaussian(BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator) {
    requirePositiveRatio(sigmaSquaredNumerator, sigmaSquaredDenominator, "sigma squared");
    BigInteger n = sigmaSquaredNumerator;
    BigInteger d = sigmaSquaredDenominator;
    // t = floor(σ) + 1; floor(sqrt(n/d)) = floor(sqrt(floor(n/d))) for integers.
    BigInteger t = n.divide(d).sqrt().add(BigInteger.ONE);
    BigInteger rejectDenominator = TWO.multiply(n).multiply(d).multiply(t).multiply(t);
    BigInteger dt = d.multiply(t);
    while (true) {
      BigInteger y = laplace(t, BigInteger.ONE);
      // Accept with probability exp(-(|y| - σ²/t)² / (2σ²)) = exp(-(|y|·d·t - n)² / (2·n·d·t²)).
      BigInteger gap = y.abs().multiply(dt).subtract(n);
      if (bernoulliExp(gap.multiply(gap), rejectDenominator)) {
        return y;
      }
    }
  }

  /** Bernoulli(exp(-γ)) for γ = n/d in [0, 1], by von Neumann's method: K odd with probability exp(-γ). */
  private boolean bernoulliExpAtMostOne(BigInteger n, BigInteger d) {
    long k = 1;
    while (bernoulli(n, d.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1) == 1;
  }

  /** Bernoulli(n/d) for 0 ≤ n ≤ d: a uniform integer in [0, d) falls below n. */
  private boolean bernoulli(BigInteger n, BigInteger d) {
    if (d.bitLength() < Long.SIZE) {
      return uniformBelow(d.longValueExact()) < n.longValueExact();
    }
    return uniformBelow(d).compareTo(n) < 0;
  }

  /** A uniform integer in [0, bound), by rejection: exactly uniform given uniform bits. */
  private BigInteger uniformBelow(BigInteger bound) {
    if (bound.bitLength() < Long.SIZE) {
      return BigInteger.valueOf(uniformBelow(bound.longValueExact()));
    }
    int bits = bound.subtract(BigInteger.ONE).bitLength();
    while (true) {
      BigInteger candidate = new BigInteger(bits, random);
      if (candidate.compareTo(bound) < 0) {
        return candidate;
      }
    }
  }

  /** A uniform long in [0, bound) for bound &gt; 0, by rejection on the fewest bits that cover it. */
  private long uniformBelow(long bound) {
    if (bound == 1) {
      return 0;
    }
    int bits = Long.SIZE - Long.numberOfLeadingZeros(bound - 1);
    while (true) {
      long candidate = bits <= Integer.SIZE
          ? (random.nextInt() & 0xFFFF_FFFFL) >>> (Integer.SIZE - bits)
          : random.nextLong() >>> (Long.SIZE - bits);
      if (candidate < bound) {
        return candidate;
      }
    }
  }

  private static void requireNonNegativeRatio(BigInteger numerator, BigInteger denominator, String name) {
    Objects.requireNonNull(numerator, name);
    Objects.requireNonNull(denominator, name);
    if (numerator.signum() < 0 || denominator.signum() <= 0) {
      throw new IllegalArgumentException(name + " must be a non-negative ratio with a positive denominator");
    }
  }

  private static void requirePositiveRatio(BigInteger numerator, BigInteger denominator, String name) {
    requireNonNegativeRatio(numerator, denominator, name);
    if (numerator.signum() == 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
