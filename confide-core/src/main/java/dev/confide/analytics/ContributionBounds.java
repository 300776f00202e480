package dev.confide.analytics;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The deterministic pre-processing that gives a statistic its sensitivity: each subject keeps at
 * most {@code maxPerSubject} rows, the first ones in the collection's iteration order (the rest are
 * dropped), and each kept value is clamped into [lower, upper]. Which of a subject's rows are kept
 * depends only on that subject's own rows, so adding or removing one subject changes a count by at
 * most {@code maxPerSubject} and a sum by at most {@code maxPerSubject · max(|lower|, |upper|)}.
 */
final class ContributionBounds {
  private ContributionBounds() {}

  /** The rows kept: at most {@code maxPerSubject} per subject, first come first kept. */
  static List<SubjectRow> limitPerSubject(Collection<SubjectRow> rows, int maxPerSubject) {
    return limitPerSubject(rows, SubjectRow::subject, maxPerSubject);
  }

  /** As {@link #limitPerSubject(Collection, int)} for rows of any shape; {@code subjectOf} names each row's subject. */
  static <T> List<T> limitPerSubject(Collection<T> rows, Function<? super T, ?> subjectOf, int maxPerSubject) {
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1");
    }
    Map<Object, Integer> seen = new HashMap<>();
    List<T> kept = new ArrayList<>();
    for (T row : rows) {
      if (seen.merge(subjectOf.apply(row), 1, Integer::sum) <= maxPerSubject) {
        kept.add(row);
      }
    }
    return kept;
  }

  static long clamp(long value, long lower, long upper) {
    return Math.max(lower, Math.min(upper, value));
  }

  /** The exact count after bounding. */
  static long boundedCount(Collection<SubjectRow> rows, int maxPerSubject) {
    return limitPerSubject(rows, maxPerSubject).size();
  }

  /** The exact sum after bounding and clamping; a BigInteger so no data can overflow it. */
  static BigInteger boundedSum(Collection<SubjectRow> rows, int maxPerSubject, long lower, long upper) {
    BigInteger sum = BigInteger.ZERO;
    long partial = 0;
    for (SubjectRow row : limitPerSubject(rows, maxPerSubject)) {
      long value = clamp(row.value(), lower, upper);
      long next = partial + value;
      if (((partial ^ next) & (value ^ next)) < 0) { // long overflow: carry into the BigInteger
        sum = sum.add(BigInteger.valueOf(partial));
        next = value;
      }
      partial = next;
    }
    return sum.add(BigInteger.valueOf(partial));
  }

  /** Sensitivity of the bounded count under adding or removing one subject. */
  static long countSensitivity(int maxPerSubject) {
    return maxPerSubject;
  }

  /** Sensitivity of the bounded sum under adding or removing one subject. */
  static long sumSensitivity(int maxPerSubject, long lower, long upper) {
    if (lower > upper) {
      throw new IllegalArgumentException("lower must not exceed upper");
    }
    if (lower == Long.MIN_VALUE) {
      throw new IllegalArgumentException("lower must be above Long.MIN_VALUE");
    }
    long largest = Math.max(Math.abs(lower), Math.abs(upper));
    try {
      return Math.max(1, Math.multiplyExact(maxPerSubject, largest));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("maxPerSubject · max(|lower|, |upper|) must fit in a long");
    }
  }
}
