package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The noise-free bounding step, checked exactly: what is dropped, what is clamped, what it implies. */
@Tag("P13")
class DpContributionBoundingTest {

  @Test
  void eachSubjectKeepsItsFirstRowsUpToTheBound() {
    List<SubjectRow> rows = List.of(
        new SubjectRow("alice", 1), new SubjectRow("bob", 10), new SubjectRow("alice", 2),
        new SubjectRow("alice", 3), new SubjectRow("carol", 100), new SubjectRow("bob", 20),
        new SubjectRow("alice", 4), new SubjectRow("bob", 30));

    assertThat(ContributionBounds.limitPerSubject(rows, 2)).containsExactly(
        new SubjectRow("alice", 1), new SubjectRow("bob", 10), new SubjectRow("alice", 2),
        new SubjectRow("carol", 100), new SubjectRow("bob", 20));
    assertThat(ContributionBounds.limitPerSubject(rows, 1)).containsExactly(
        new SubjectRow("alice", 1), new SubjectRow("bob", 10), new SubjectRow("carol", 100));
    assertThat(ContributionBounds.limitPerSubject(rows, 10)).isEqualTo(rows);
    assertThat(ContributionBounds.boundedCount(rows, 2)).isEqualTo(5);
    assertThatThrownBy(() -> ContributionBounds.limitPerSubject(rows, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sumsClampEachKeptValue() {
    List<SubjectRow> rows = List.of(
        new SubjectRow("alice", -50), new SubjectRow("alice", 7), new SubjectRow("alice", 1_000), // third dropped
        new SubjectRow("bob", 3), new SubjectRow("bob", 999));
    // kept: alice -50 -> -5, alice 7 -> 7; bob 3, bob 999 -> 8
    assertThat(ContributionBounds.boundedSum(rows, 2, -5, 8)).isEqualTo(BigInteger.valueOf(-5 + 7 + 3 + 8));
    assertThat(ContributionBounds.clamp(Long.MIN_VALUE, 0, 10)).isZero();
    assertThat(ContributionBounds.clamp(Long.MAX_VALUE, 0, 10)).isEqualTo(10);
    assertThat(ContributionBounds.clamp(4, 0, 10)).isEqualTo(4);
  }

  @Test
  void sumsNeverOverflow() {
    List<SubjectRow> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(new SubjectRow("s" + i, Long.MAX_VALUE));
      rows.add(new SubjectRow("n" + i, -Long.MAX_VALUE));
      rows.add(new SubjectRow("m" + i, Long.MAX_VALUE));
    }
    assertThat(ContributionBounds.boundedSum(rows, 1, -Long.MAX_VALUE, Long.MAX_VALUE))
        .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(5)));
  }

  @Test
  void sensitivityFollowsTheBounds() {
    assertThat(ContributionBounds.countSensitivity(3)).isEqualTo(3);
    assertThat(ContributionBounds.sumSensitivity(2, 0, 10)).isEqualTo(20);
    assertThat(ContributionBounds.sumSensitivity(2, -15, 10)).isEqualTo(30);
    assertThat(ContributionBounds.sumSensitivity(4, -3, -1)).isEqualTo(12);
    assertThat(ContributionBounds.sumSensitivity(4, 0, 0)).as("never zero: noise needs a positive scale").isEqualTo(1);
    assertThatThrownBy(() -> ContributionBounds.sumSensitivity(2, 5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContributionBounds.sumSensitivity(2, 0, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContributionBounds.sumSensitivity(1, Long.MIN_VALUE, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The property the noise is calibrated to: removing one subject moves the result by at most Δ. */
  @Test
  void removingOneSubjectMovesTheBoundedResultsByAtMostTheSensitivity() {
    SplittableRandom random = new SplittableRandom(7);
    int max = 3;
    long lower = -4;
    long upper = 9;
    for (int trial = 0; trial < 500; trial++) {
      List<SubjectRow> rows = new ArrayList<>();
      int subjects = 1 + random.nextInt(8);
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        rows.add(new SubjectRow("s" + random.nextInt(subjects), random.nextLong(-20, 21)));
      }
      String removed = "s" + random.nextInt(subjects);
      List<SubjectRow> neighbour = rows.stream().filter(r -> !r.subject().equals(removed)).toList();

      long countChange = Math.abs(ContributionBounds.boundedCount(rows, max) - ContributionBounds.boundedCount(neighbour, max));
      BigInteger sumChange = ContributionBounds.boundedSum(rows, max, lower, upper)
          .subtract(ContributionBounds.boundedSum(neighbour, max, lower, upper)).abs();
      assertThat(countChange).isLessThanOrEqualTo(ContributionBounds.countSensitivity(max));
      assertThat(sumChange).isLessThanOrEqualTo(BigInteger.valueOf(ContributionBounds.sumSensitivity(max, lower, upper)));
    }
  }

  @Test
  void subjectRowsNeedASubject() {
    assertThatThrownBy(() -> SubjectRow.of(null)).isInstanceOf(NullPointerException.class);
    assertThat(SubjectRow.of("x").value()).isEqualTo(1);
  }
}
