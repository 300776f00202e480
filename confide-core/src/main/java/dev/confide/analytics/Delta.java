package dev.confide.analytics;

import java.math.BigDecimal;

/**
 * The δ of (ε, δ)-differential privacy, held exactly as an integer number of units of 10^-18
 * ("attos") so the ledger adds it up without drift. In [0, 1); {@link #ZERO} for pure ε-DP releases.
 */
public record Delta(long attos) implements Comparable<Delta> {
  public static final long ATTOS_PER_UNIT = 1_000_000_000_000_000_000L;
  public static final Delta ZERO = new Delta(0);

  public Delta {
    if (attos < 0 || attos >= ATTOS_PER_UNIT) {
      throw new IllegalArgumentException("delta must be in [0, 1) (got " + attos + " units of 1e-18)");
    }
  }

  public static Delta ofAttos(long attos) {
    return new Delta(attos);
  }

  /** Parses a decimal such as {@code "1e-9"}; refused when it is not a whole number of units of 10^-18. */
  public static Delta of(String decimal) {
    return of(new BigDecimal(decimal));
  }

  /** {@code value} must be a whole number of units of 10^-18: nothing is rounded silently. */
  public static Delta of(BigDecimal value) {
    try {
      return new Delta(value.movePointRight(18).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("delta must be a multiple of 1e-18 (got " + value.toPlainString() + ")");
    }
  }

  public BigDecimal value() {
    return BigDecimal.valueOf(attos, 18).stripTrailingZeros();
  }

  public boolean isZero() {
    return attos == 0;
  }

  @Override
  public int compareTo(Delta other) {
    return Long.compare(attos, other.attos);
  }

  @Override
  public String toString() {
    return "δ=" + value().toString();
  }
}
