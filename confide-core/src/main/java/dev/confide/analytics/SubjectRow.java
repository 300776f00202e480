package dev.confide.analytics;

import java.util.Objects;

/**
 * One input row of a differentially private statistic: the data subject it came from (any key with
 * a meaningful {@code equals}, such as the subject's UUID or a stable pseudonym) and an integer
 * value. Contribution bounding groups rows by {@code subject}, so one person must always appear
 * under the same key: two keys for one person would let them contribute twice the bound.
 */
public record SubjectRow(Object subject, long value) {
  public SubjectRow {
    Objects.requireNonNull(subject, "subject");
  }

  /** A row for a count (its value is not used). */
  public static SubjectRow of(Object subject) {
    return new SubjectRow(subject, 1);
  }
}
