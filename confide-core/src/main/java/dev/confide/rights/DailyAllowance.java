package dev.confide.rights;

import dev.confide.problem.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * At most {@code limit} of something per subject in any 24 hours: refused with 429 and the seconds
 * until the oldest counted one leaves the window.
 */
record DailyAllowance(int limit, String code, String message) {
  static final Duration WINDOW = Duration.ofDays(1);

  /** Where the window starts: only what happened after it counts. */
  static Instant windowStart(Instant now) {
    return now.minus(WINDOW);
  }

  /** @param recent the times within the window, oldest first, at least {@code limit} of them if there are that many */
  void require(List<Instant> recent, Instant now) {
    if (recent.size() >= limit) {
      long wait = Math.max(1, Duration.between(now, recent.get(0).plus(WINDOW)).toSeconds() + 1);
      throw new Problem(Problem.Kind.RATE_LIMITED, code, message, wait);
    }
  }
}
