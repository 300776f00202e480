package dev.confide.analytics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Chooses σ² for the discrete Gaussian mechanism from (ε, δ). This is parameter selection, not
 * sampling: it is the one place where floating point is used, and every rounding goes towards more
 * noise.
 *
 * <ul>
 *   <li>Adding N_Z(0, σ²) to an integer query of sensitivity Δ satisfies ρ-zCDP with ρ = Δ²/(2σ²)
 *       (Canonne, Kamath and Steinke 2020).
 *   <li>ρ-zCDP implies (ρ + 2·sqrt(ρ·ln(1/δ)), δ)-DP for every δ &gt; 0 (Bun and Steinke 2016,
 *       Proposition 1.3). Solving ρ + 2·sqrt(ρ·L) = ε with L = ln(1/δ) gives
 *       sqrt(ρ) = sqrt(L + ε) - sqrt(L) = ε / (sqrt(L + ε) + sqrt(L)), computed in the second form so
 *       nothing cancels.
 *   <li>ρ is then lowered by a relative 10^-9 (far above double rounding error) and rounded down to
 *       20 significant decimal digits, so the σ² used is never below the exact one.
 * </ul>
 *
 * The conversion is conservative: the exact (ε, δ) analysis of the discrete Gaussian in the same
 * paper would allow somewhat less noise.
 */
final class GaussianCalibration {
  private static final double SAFETY = 1 - 1e-9;

  private GaussianCalibration() {}

  /** The zCDP parameter ρ to run at so that the release is (ε, δ)-DP. */
  static BigDecimal rho(Epsilon epsilon, Delta delta) {
    if (delta.isZero()) {
      throw new IllegalArgumentException("the discrete Gaussian mechanism needs delta > 0");
    }
    double eps = epsilon.value().doubleValue();
    double log = -Math.log(delta.value().doubleValue());
    double root = eps / (Math.sqrt(log + eps) + Math.sqrt(log));
    double rho = root * root * SAFETY;
    if (!(rho > 0) || rho + 2 * Math.sqrt(rho * log) > eps) {
      throw new IllegalStateException("calibration failed for " + epsilon + ", " + delta);
    }
    return new BigDecimal(rho).round(new MathContext(20, RoundingMode.DOWN));
  }

  /** σ² = Δ²/(2ρ) as {numerator, denominator}. */
  static BigInteger[] sigmaSquared(long sensitivity, Epsilon epsilon, Delta delta) {
    if (sensitivity < 1) {
      throw new IllegalArgumentException("sensitivity must be positive");
    }
    BigDecimal rho = rho(epsilon, delta);
    BigInteger numerator = BigInteger.valueOf(sensitivity).pow(2);
    BigInteger denominator = rho.unscaledValue().shiftLeft(1);
    if (rho.scale() >= 0) {
      numerator = numerator.multiply(BigInteger.TEN.pow(rho.scale()));
    } else {
      denominator = denominator.multiply(BigInteger.TEN.pow(-rho.scale()));
    }
    BigInteger gcd = numerator.gcd(denominator);
    return new BigInteger[] {numerator.divide(gcd), denominator.divide(gcd)};
  }
}
