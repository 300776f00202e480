package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.store.Database;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P13")
class PrivacyBudgetTest {
  @TempDir Path tmp;

  private static final Epsilon TENTH = Epsilon.of("0.1");

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void releasesAreRecordedAndAddUpExactly(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("leaderboard", Epsilon.of("1"));
      budget.define("leaderboard", Epsilon.of("1")); // same totals: nothing happens

      List<PrivacyBudget.Release> made = new ArrayList<>();
      for (int i = 0; i < 10; i++) { // 0.1 ten times is exactly 1 here, unlike in floating point
        made.add(budget.spend("leaderboard", TENTH, Delta.ZERO, "thumbs up per model, week " + i));
        clock.advance(Duration.ofMinutes(1));
      }
      PrivacyBudget.Balance balance = budget.balance("leaderboard").orElseThrow();
      assertThat(balance.spentEpsilonMicros()).isEqualTo(1_000_000);
      assertThat(balance.spentEpsilon()).isEqualByComparingTo(BigDecimal.ONE);
      assertThat(balance.remainingEpsilonMicros()).isZero();

      List<PrivacyBudget.Release> recorded = budget.releases("leaderboard");
      assertThat(recorded).containsExactlyElementsOf(made);
      assertThat(recorded.get(0).releasedAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
      assertThat(recorded.get(9).description()).isEqualTo("thumbs up per model, week 9");
      assertThat(recorded).allSatisfy(r -> assertThat(r.epsilon()).isEqualTo(TENTH));

      assertThatThrownBy(() -> budget.spend("leaderboard", Epsilon.ofMicros(1), Delta.ZERO, "one more"))
          .isInstanceOf(PrivacyBudgetExceededException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aReleasePastTheBudgetIsRefusedAndLeavesNoTrace(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("usage-stats", Epsilon.of("1.0"));
      budget.define("other", Epsilon.of("1.0"));
      budget.spend("usage-stats", Epsilon.of("0.7"), Delta.ZERO, "requests per day");

      assertThatThrownBy(() -> budget.spend("usage-stats", Epsilon.of("0.300001"), Delta.ZERO, "tokens per day"))
          .isInstanceOf(PrivacyBudgetExceededException.class)
          .hasMessageContaining("usage-stats").hasMessageContaining("ε=0.300001").hasMessageContaining("remaining ε=0.3")
          .satisfies(e -> {
            PrivacyBudgetExceededException refused = (PrivacyBudgetExceededException) e;
            assertThat(refused.purpose()).isEqualTo("usage-stats");
            assertThat(refused.requestedEpsilon()).isEqualTo(Epsilon.of("0.300001"));
          });
      assertThat(budget.balance("usage-stats").orElseThrow().spentEpsilonMicros()).isEqualTo(700_000);
      assertThat(budget.releases("usage-stats")).extracting(PrivacyBudget.Release::description)
          .containsExactly("requests per day");

      // what still fits is still allowed, and other purposes are untouched
      budget.spend("usage-stats", Epsilon.of("0.3"), Delta.ZERO, "tokens per day");
      assertThat(budget.balance("usage-stats").orElseThrow().remainingEpsilonMicros()).isZero();
      assertThat(budget.balance("other").orElseThrow().spentEpsilonMicros()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void deltaIsBudgetedToo(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("pure", Epsilon.of("5"));
      budget.define("approx", Epsilon.of("5"), Delta.of("1e-6"));

      assertThatThrownBy(() -> budget.spend("pure", TENTH, Delta.of("1e-9"), "gaussian count"))
          .as("a pure ε budget takes no δ").isInstanceOf(PrivacyBudgetExceededException.class);
      budget.spend("approx", TENTH, Delta.of("5e-7"), "first");
      budget.spend("approx", TENTH, Delta.of("5e-7"), "second");
      assertThatThrownBy(() -> budget.spend("approx", TENTH, Delta.ofAttos(1), "third"))
          .isInstanceOf(PrivacyBudgetExceededException.class).hasMessageContaining("remaining δ=0");
      PrivacyBudget.Balance balance = budget.balance("approx").orElseThrow();
      assertThat(balance.spentDeltaAttos()).isEqualTo(1_000_000_000_000L);
      assertThat(balance.spentEpsilonMicros()).isEqualTo(200_000);
      assertThat(budget.releases("approx")).extracting(PrivacyBudget.Release::delta)
          .containsExactly(Delta.of("5e-7"), Delta.of("5e-7"));
      assertThat(budget.releases("pure")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void undefinedPurposesAndChangedTotalsAreRefused(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      assertThatThrownBy(() -> budget.spend("nobody-defined-me", TENTH, Delta.ZERO, "count"))
          .isInstanceOf(PrivacyBudgetExceededException.class).hasMessageContaining("no privacy budget is defined");
      assertThat(budget.balance("nobody-defined-me")).isEmpty();

      budget.define("fixed", Epsilon.of("1"));
      assertThatThrownBy(() -> budget.define("fixed", Epsilon.of("2")))
          .as("a budget is never raised").isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> budget.define("fixed", Epsilon.of("1"), Delta.of("1e-9")))
          .isInstanceOf(IllegalStateException.class);
      assertThat(budget.balance("fixed").orElseThrow().totalEpsilon()).isEqualTo(Epsilon.of("1"));

      assertThatThrownBy(() -> budget.spend("fixed", TENTH, Delta.ZERO, " ")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> budget.spend("fixed", TENTH, Delta.ZERO, "x".repeat(501)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> budget.define("p".repeat(101), TENTH)).isInstanceOf(IllegalArgumentException.class);
      assertThat(budget.releases("fixed")).isEmpty();
    }
  }

  /** Several threads race to spend; exactly the releases that fit pass, never one more. */
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void concurrentSpendingNeverExceedsTheTotal(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      PrivacyBudget budget = new PrivacyBudget(db.jdbi(), clock);
      budget.define("race", Epsilon.of("1.0"));
      int threads = 8;
      int attemptsEach = 5; // 40 attempts of 0.1 against a total of 1.0
      AtomicInteger passed = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < attemptsEach; i++) {
              try {
                budget.spend("race", TENTH, Delta.ZERO, "thread " + thread + " attempt " + i);
                passed.incrementAndGet();
              } catch (PrivacyBudgetExceededException e) {
                refused.incrementAndGet();
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> future : futures) {
          future.get(60, TimeUnit.SECONDS); // any other failure (a lock timeout, say) fails the test here
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(passed.get()).isEqualTo(10);
      assertThat(refused.get()).isEqualTo(30);
      assertThat(budget.balance("race").orElseThrow().spentEpsilonMicros()).isEqualTo(1_000_000);
      assertThat(budget.releases("race")).hasSize(10);
    }
  }

  @Test
  void epsilonAndDeltaAreExactDecimals() {
    assertThat(Epsilon.of("0.1").micros()).isEqualTo(100_000);
    assertThat(Epsilon.of("2").value()).isEqualByComparingTo("2");
    assertThat(Epsilon.of("0.25").toString()).isEqualTo("ε=0.25");
    assertThatThrownBy(() -> Epsilon.of("0.0000001")).as("not silently rounded").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Epsilon.of("0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Epsilon.of("-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Epsilon.of("1000001")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Delta.of("1e-9").attos()).isEqualTo(1_000_000_000L);
    assertThat(Delta.of("0").isZero()).isTrue();
    assertThatThrownBy(() -> Delta.of("1e-19")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Delta.of("1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Delta.of("-1e-9")).isInstanceOf(IllegalArgumentException.class);
  }
}
