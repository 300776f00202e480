package dev.confide.analytics;

import java.math.BigDecimal;

/**
 * A privacy-loss parameter ε, held exactly as an integer number of millionths so that budgets add up
 * without floating-point drift. Always positive; at most {@value #MAX_MICROS} micro-units (ε ≤ 10^6),
 * which keeps every sum the ledger forms far inside {@code long}.
 */
public record Epsilon(long micros) implements Comparable<Epsilon> {
  public static final long MICROS_PER_UNIT = 1_000_000L;
  public static final long MAX_MICROS = 1_000_000_000_000L;

  public Epsilon {
    if (micros <= 0 || micros > MAX_MICROS) {
      throw new IllegalArgumentException("epsilon must be in (0, 10^6] (got " + micros + " micro-units)");
    }
  }

  public static Epsilon ofMicros(long micros) {
    return new Epsilon(micros);
  }

  /** Parses a decimal such as {@code "0.5"}; refused when it is not a whole number of millionths. */
  public static Epsilon of(String decimal) {
    return of(new BigDecimal(decimal));
  }

  /** {@code value} must be a whole number of millionths: nothing is rounded silently. */
  public static Epsilon of(BigDecimal value) {
    try {
      return new Epsilon(value.movePointRight(6).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("epsilon must be a multiple of 0.000001 (got " + value.toPlainString() + ")");
    }
  }

  public BigDecimal value() {
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros();
  }

  @Override
  public int compareTo(Epsilon other) {
    return Long.compare(micros, other.micros);
  }

  @Override
  public String toString() {
    return "ε=" + value().toPlainString();
  }
}
