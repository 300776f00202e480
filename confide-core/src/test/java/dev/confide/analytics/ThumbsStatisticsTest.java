package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.analytics.ThumbsStatistics.ModelThumbs;
import dev.confide.analytics.ThumbsStatistics.Thumb;
import dev.confide.consent.SettingsDefaults;
import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P06")
@Tag("P13")
class ThumbsStatisticsTest {
  @TempDir Path tmp;

  /** Noise of scale 1/50 is zero except with probability about 2·e^-50: the counts are exact. */
  private static final Epsilon NEARLY_EXACT = Epsilon.of("50");

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void eachReleaseSpendsTheBudgetAndIsRefusedOnceItIsSpent(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      PrivacyBudget budget = new PrivacyBudget(f.crypto.database.jdbi(), f.crypto.clock);
      ThumbsStatistics thumbs = thumbs(f, budget, Epsilon.of("1"), 3);
      List<Thumb> data = List.of(new Thumb("s1", "m1", "up"), new Thumb("s2", "m1", "down"));

      ThumbsStatistics.Release first = thumbs.release(List.of("m1", "m2"), data, Epsilon.of("0.5"));
      assertThat(first.models()).extracting(ModelThumbs::model).containsExactly("m1", "m2");
      assertThat(first.noiseScale()).isEqualByComparingTo(new BigDecimal("6")); // m/ε = 3/0.5
      assertThat(first.models()).allSatisfy(m -> assertThat(m.up()).isNotNegative());
      thumbs.release(List.of("m1"), data, Epsilon.of("0.5"));

      assertThatThrownBy(() -> thumbs.release(List.of("m1"), data, Epsilon.of("0.000001")))
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.kind()).isEqualTo(Problem.Kind.CONFLICT);
            assertThat(p.code()).isEqualTo("privacy_budget_exhausted");
          });
      assertThat(budget.balance(ThumbsStatistics.BUDGET_PURPOSE).orElseThrow().remainingEpsilonMicros()).isZero();
      assertThat(budget.releases(ThumbsStatistics.BUDGET_PURPOSE)).hasSize(2)
          .allSatisfy(r -> assertThat(r.description()).startsWith("thumbs up/down per model"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void eachSubjectCountsAtMostTheBoundAndOnlyListedModelsAreReleased(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      ThumbsStatistics thumbs = thumbs(f, new PrivacyBudget(f.crypto.database.jdbi(), f.crypto.clock), Epsilon.of("1000"), 2);
      List<Thumb> data = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        data.add(new Thumb("heavy", "m1", "up")); // only two of these count
      }
      data.add(new Thumb("light", "m1", "down"));
      data.add(new Thumb("light", "unlisted", "up"));
      data.add(new Thumb("light", "m2", "sideways"));

      ThumbsStatistics.Release release = thumbs.release(List.of("m1", "m2"), data, NEARLY_EXACT);

      assertThat(release.models()).containsExactly(new ModelThumbs("m1", 2, 1), new ModelThumbs("m2", 0, 0));
      assertThat(release.maxThumbsPerSubject()).isEqualTo(2);
      assertThatThrownBy(() -> thumbs.release(List.of("m1", "m1"), data, NEARLY_EXACT))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_models"));
    }
  }

  /**
   * With ε = 0.5 and one rating per subject every count carries discrete Laplace noise of scale 2,
   * whose mean absolute value is 2·e^(-1/2)/(1 - e^(-1)) ≈ 1.92; over 400 counts the observed mean
   * lies within a few tenths of it, and few counts come out exact (P[noise = 0] ≈ 0.24).
   */
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void countsCarryNoiseOfTheCalibratedScale(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      ThumbsStatistics thumbs = thumbs(f, new PrivacyBudget(f.crypto.database.jdbi(), f.crypto.clock), Epsilon.of("1"), 1);
      List<String> models = new ArrayList<>();
      List<Thumb> data = new ArrayList<>();
      for (int m = 0; m < 200; m++) {
        models.add("m" + m);
        for (int i = 0; i < 50; i++) {
          data.add(new Thumb("up-" + m + "-" + i, "m" + m, "up"));
          data.add(new Thumb("down-" + m + "-" + i, "m" + m, "down"));
        }
      }
      ThumbsStatistics.Release release = thumbs.release(models, data, Epsilon.of("0.5"));

      assertThat(release.noiseScale()).isEqualByComparingTo(new BigDecimal("2"));
      List<Long> errors = new ArrayList<>();
      release.models().forEach(m -> {
        errors.add(Math.abs(m.up() - 50));
        errors.add(Math.abs(m.down() - 50));
      });
      double meanError = errors.stream().mapToLong(Long::longValue).average().orElseThrow();
      assertThat(meanError).isBetween(1.5, 2.4);
      assertThat(errors.stream().filter(e -> e == 0).count()).isBetween(60L, 140L);
    }
  }

  @Tag("P25")
  @Tag("P26")
  @Tag("P28")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void storedRatingsOfRestrictedObjectingOrErasedSubjectsAreLeftOut(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      Jdbi jdbi = f.crypto.database.jdbi();
      SubjectSettings settings = settings(f);
      UUID counted = account(f, "counted");
      UUID restricted = account(f, "restricted");
      UUID objecting = account(f, "objecting");
      UUID optedOutOfTraining = account(f, "opted-out");
      UUID erased = account(f, "erased");
      rate(jdbi, erased, "m2", "down", 5);
      // erased: the account row goes at once, the ratings only with the purge a while later
      jdbi.useHandle(h -> h.createUpdate("DELETE FROM accounts WHERE subject_id = :s").bind("s", erased).execute());
      settings.change(restricted, SubjectSettings.Change.none().withRestricted(true), "staff", "v1");
      settings.change(objecting, change(Optional.empty(), Map.of("analytics", true)), "app", "v1");
      settings.change(optedOutOfTraining, change(Optional.of(true), Map.of()), "app", "v1");
      rate(jdbi, counted, "m1", "up", 3);
      rate(jdbi, counted, "m2", "down", 1);
      rate(jdbi, restricted, "m1", "up", 4);
      rate(jdbi, objecting, "m1", "down", 2);
      rate(jdbi, optedOutOfTraining, "m2", "up", 1);

      ThumbsStatistics thumbs = thumbs(f, new PrivacyBudget(jdbi, f.crypto.clock), Epsilon.of("1000"), 10);
      assertThat(thumbs.release(List.of("m1", "m2"), NEARLY_EXACT).models())
          .containsExactly(new ModelThumbs("m1", 3, 0), new ModelThumbs("m2", 1, 1));
    }
  }

  private static UUID account(IdentityFixture f, String name) {
    return f.accounts.signUp(new dev.confide.identity.NewAccount("Rater " + name, name + "@example.com",
        "a long passphrase 42".toCharArray(), java.time.LocalDate.of(1990, 1, 1)));
  }

  private static ThumbsStatistics thumbs(IdentityFixture f, PrivacyBudget budget, Epsilon total, int bound) {
    return new ThumbsStatistics(f.crypto.database.jdbi(), settings(f), budget, total, bound, seeded(17));
  }

  private static SubjectSettings settings(IdentityFixture f) {
    return new SubjectSettings(f.crypto.database.jdbi(), f.accounts, new SettingsDefaults(90, true, false), f.crypto.clock);
  }

  private static SubjectSettings.Change change(Optional<Boolean> trainingOptOut, Map<String, Boolean> objections) {
    return new SubjectSettings.Change(Optional.empty(), Optional.empty(), trainingOptOut, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), objections, Map.of());
  }

  /** {@code n} answers of {@code model} rated by {@code subject}, as the chat service stores them. */
  private static void rate(Jdbi jdbi, UUID subject, String model, String rating, int n) {
    jdbi.useHandle(h -> {
      for (int i = 0; i < n; i++) {
        UUID message = UUID.randomUUID();
        h.createUpdate("""
                INSERT INTO messages (id, subject_id, conversation_id, role, content_sealed, model, status, created_at)
                VALUES (:id, :s, :c, 'assistant', :content, :model, 'complete', CURRENT_TIMESTAMP)""")
            .bind("id", message).bind("s", subject).bind("c", UUID.randomUUID()).bind("content", new byte[] {1})
            .bind("model", model).execute();
        h.createUpdate("INSERT INTO message_feedback (message_id, subject_id, rating, updated_at) VALUES (:m, :s, :r, CURRENT_TIMESTAMP)")
            .bind("m", message).bind("s", subject).bind("r", rating).execute();
      }
    });
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(BigInteger.valueOf(seed).toByteArray());
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
