package dev.confide.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacingTest {
  private static final long MS = 1_000_000;

  @Test
  void theSweepPausesInProportionToEachBatchAndLongerToStayUnderItsRowCap() {
    RetentionSweeps.Pacing proportional = new RetentionSweeps.Pacing(500, 1.5, 0);
    assertThat(proportional.pauseNanos(1500, 20 * MS)).isEqualTo(30 * MS);

    RetentionSweeps.Pacing capped = new RetentionSweeps.Pacing(500, 0.5, 10_000);
    assertThat(capped.pauseNanos(1500, 20 * MS)).as("1,500 rows at 10,000/s take 150 ms: 130 more").isEqualTo(130 * MS);
    assertThat(capped.pauseNanos(100, 20 * MS)).as("under the cap, the proportional pause").isEqualTo(10 * MS);

    assertThat(RetentionSweeps.Pacing.unpaced(500).pauseNanos(1500, 20 * MS)).isZero();
    assertThatThrownBy(() -> new RetentionSweeps.Pacing(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionSweeps.Pacing(10, -1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
