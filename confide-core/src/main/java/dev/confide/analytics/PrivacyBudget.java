package dev.confide.analytics;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import dev.confide.store.SqlErrors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The privacy-budget ledger (P13): each purpose (a dataset and what its statistics are for) has a
 * total ε — and a total δ, zero unless (ε, δ) releases are meant — and every differentially private
 * release is charged to it, with what was released and when. Losses add up (basic sequential
 * composition), so everything released for a purpose is together (spent ε, spent δ)-DP.
 *
 * <p>A charge the remaining budget cannot pay is refused with {@link PrivacyBudgetExceededException}
 * and leaves no trace. Charging is one transaction: the purpose's row is locked ({@code SELECT ...
 * FOR UPDATE}), updated only if the charge fits ({@code spent + e <= total} in the {@code WHERE}),
 * and the release recorded; two concurrent releases can never both pass when only one fits. Totals
 * are fixed when defined: nothing here raises a total or resets what was spent.
 */
public final class PrivacyBudget {
  public static final int MAX_PURPOSE_LENGTH = 100;
  public static final int MAX_DESCRIPTION_LENGTH = 500;

  private final Jdbi jdbi;
  private final Clock clock;

  /** What a purpose may spend and has spent. */
  public record Balance(String purpose, Epsilon totalEpsilon, long spentEpsilonMicros, Delta totalDelta,
      long spentDeltaAttos) {
    public long remainingEpsilonMicros() {
      return totalEpsilon.micros() - spentEpsilonMicros;
    }

    public long remainingDeltaAttos() {
      return totalDelta.attos() - spentDeltaAttos;
    }

    public BigDecimal spentEpsilon() {
      return BigDecimal.valueOf(spentEpsilonMicros, 6).stripTrailingZeros();
    }
  }

  /** One charged release. */
  public record Release(UUID id, String purpose, Epsilon epsilon, Delta delta, Instant releasedAt, String description) {}

  public PrivacyBudget(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Defines a pure ε-DP budget (total δ = 0); see {@link #define(String, Epsilon, Delta)}. */
  public void define(String purpose, Epsilon totalEpsilon) {
    define(purpose, totalEpsilon, Delta.ZERO);
  }

  /**
   * Creates the budget of {@code purpose}. Defining it again with the same totals does nothing;
   * with other totals it is refused, because raising a budget after releases were made is a privacy
   * decision this ledger does not take.
   */
  public void define(String purpose, Epsilon totalEpsilon, Delta totalDelta) {
    requirePurpose(purpose);
    Objects.requireNonNull(totalEpsilon, "totalEpsilon");
    Objects.requireNonNull(totalDelta, "totalDelta");
    Optional<Balance> existing = balance(purpose);
    if (existing.isEmpty()) {
      try {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO privacy_budgets (purpose, total_epsilon_micros, spent_epsilon_micros, total_delta_attos,
                                             spent_delta_attos, created_at)
                VALUES (:purpose, :epsilon, 0, :delta, 0, :now)""")
            .bind("purpose", purpose).bind("epsilon", totalEpsilon.micros()).bind("delta", totalDelta.attos())
            .bind("now", clock.instant()).execute());
        return;
      } catch (RuntimeException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        existing = balance(purpose); // a concurrent definer won; its totals must match ours
      }
    }
    Balance balance = existing.orElseThrow();
    if (!balance.totalEpsilon().equals(totalEpsilon) || !balance.totalDelta().equals(totalDelta)) {
      throw new IllegalStateException("the privacy budget of purpose '" + purpose + "' is already defined as "
          + balance.totalEpsilon() + ", " + balance.totalDelta() + "; budgets are never changed here");
    }
  }

  /**
   * Charges a release of (ε, δ) to {@code purpose} and records it with {@code description} (what was
   * released; must not contain personal data). Call it before drawing noise: it throws {@link
   * PrivacyBudgetExceededException}, charging and recording nothing, when the purpose has no budget
   * or its remaining ε or δ is too small.
   */
  public Release spend(String purpose, Epsilon epsilon, Delta delta, String description) {
    requirePurpose(purpose);
    Objects.requireNonNull(epsilon, "epsilon");
    Objects.requireNonNull(delta, "delta");
    if (description == null || description.isBlank() || description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new IllegalArgumentException("description must be 1 to " + MAX_DESCRIPTION_LENGTH + " characters");
    }
    Release release = new Release(UUID.randomUUID(), purpose, epsilon, delta, clock.instant(), description);
    return jdbi.inTransaction(h -> {
      Balance balance = balance(h, purpose, true).orElseThrow(() -> new PrivacyBudgetExceededException(purpose, epsilon,
          delta, "no privacy budget is defined for purpose '" + purpose + "'; release of " + epsilon + " refused"));
      if (epsilon.micros() > balance.remainingEpsilonMicros() || delta.attos() > balance.remainingDeltaAttos()) {
        throw exceeded(balance, epsilon, delta);
      }
      int charged = h.createUpdate("""
              UPDATE privacy_budgets
              SET spent_epsilon_micros = spent_epsilon_micros + :epsilon, spent_delta_attos = spent_delta_attos + :delta
              WHERE purpose = :purpose
                AND spent_epsilon_micros + :epsilon <= total_epsilon_micros
                AND spent_delta_attos + :delta <= total_delta_attos""")
          .bind("epsilon", epsilon.micros()).bind("delta", delta.attos()).bind("purpose", purpose).execute();
      if (charged != 1) {
        throw exceeded(balance, epsilon, delta);
      }
      h.createUpdate("""
              INSERT INTO privacy_budget_releases (id, purpose, epsilon_micros, delta_attos, released_at, description)
              VALUES (:id, :purpose, :epsilon, :delta, :at, :description)""")
          .bind("id", release.id()).bind("purpose", purpose).bind("epsilon", epsilon.micros())
          .bind("delta", delta.attos()).bind("at", release.releasedAt()).bind("description", description).execute();
      return release;
    });
  }

  /** The purpose's totals and spending, or empty when it has no budget. */
  public Optional<Balance> balance(String purpose) {
    requirePurpose(purpose);
    return jdbi.withHandle(h -> balance(h, purpose, false));
  }

  /** The purpose's releases in the order they were charged. */
  public List<Release> releases(String purpose) {
    requirePurpose(purpose);
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, purpose, epsilon_micros, delta_attos, released_at, description FROM privacy_budget_releases
            WHERE purpose = :purpose ORDER BY seq""")
        .bind("purpose", purpose)
        .map((rs, ctx) -> new Release(rs.getObject(1, UUID.class), rs.getString(2), new Epsilon(rs.getLong(3)),
            new Delta(rs.getLong(4)), rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6)))
        .list());
  }

  static String requirePurpose(String purpose) {
    if (purpose == null || purpose.isBlank() || purpose.length() > MAX_PURPOSE_LENGTH) {
      throw new IllegalArgumentException("purpose must be 1 to " + MAX_PURPOSE_LENGTH + " characters");
    }
    return purpose;
  }

  private static Optional<Balance> balance(Handle h, String purpose, boolean lock) {
    return h.createQuery("""
            SELECT total_epsilon_micros, spent_epsilon_micros, total_delta_attos, spent_delta_attos
            FROM privacy_budgets WHERE purpose = :purpose""" + (lock ? " FOR UPDATE" : ""))
        .bind("purpose", purpose)
        .map((rs, ctx) -> new Balance(purpose, new Epsilon(rs.getLong(1)), rs.getLong(2), new Delta(rs.getLong(3)),
            rs.getLong(4)))
        .findOne();
  }

  private static PrivacyBudgetExceededException exceeded(Balance balance, Epsilon epsilon, Delta delta) {
    return new PrivacyBudgetExceededException(balance.purpose(), epsilon, delta,
        "privacy budget of purpose '" + balance.purpose() + "' exceeded: release of " + epsilon
            + (delta.isZero() ? "" : ", " + delta) + " refused; remaining ε="
            + BigDecimal.valueOf(balance.remainingEpsilonMicros(), 6).stripTrailingZeros().toPlainString()
            + (balance.totalDelta().isZero() ? "" : ", remaining δ="
                + BigDecimal.valueOf(balance.remainingDeltaAttos(), 18).stripTrailingZeros())
            + " of " + balance.totalEpsilon());
  }
}
