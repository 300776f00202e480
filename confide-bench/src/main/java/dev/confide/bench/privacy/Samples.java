package dev.confide.bench.privacy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Measured values (durations in nanoseconds, or ratios) and their order statistics. */
final class Samples {
  private final List<Double> values = new ArrayList<>();

  synchronized void add(double value) {
    values.add(value);
  }

  synchronized void addAll(Samples other) {
    values.addAll(other.sorted());
  }

  synchronized int size() {
    return values.size();
  }

  /** Nearest-rank percentile, {@code p} in 0..100. */
  double percentile(double p) {
    List<Double> sorted = sorted();
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** The median; the mean of the two middle values when the count is even. */
  double median() {
    List<Double> sorted = sorted();
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return percentile(0);
  }

  double max() {
    return percentile(100);
  }

  /** "median (min–max)" of values divided by {@code unit}. */
  String spread(double unit, String format) {
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median() / unit, min() / unit, max() / unit);
  }

  private synchronized List<Double> sorted() {
    List<Double> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }
}
