package dev.confide.identity;

import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * No users under the minimum age (13 in both reference policies; P34). Checked before anything
 * about the person is processed further or stored.
 */
public final class AgeGate {
  private final int minimumAge;
  private final Clock clock;

  public AgeGate(int minimumAge, Clock clock) {
    this.minimumAge = minimumAge;
    this.clock = clock;
  }

  /** The youngest age that may sign up (the {@code age-gate} self-check compares it with the policy's). */
  public int minimumAge() {
    return minimumAge;
  }

  /**
   * @throws Problem {@code invalid_birth_date} for a date in the future or implausibly old, and
   *     {@code underage} (unprocessable) for anyone younger than the minimum age
   */
  public void check(LocalDate birthDate) {
    // A birthday counts once it has arrived everywhere (UTC-12), so nobody passes a day early.
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.ofHours(-12));
    if (birthDate.isAfter(today) || birthDate.isBefore(today.minusYears(150))) {
      throw Problem.invalid("invalid_birth_date", "birthDate must be a real date in the past");
    }
    if (Period.between(birthDate, today).getYears() < minimumAge) {
      throw new Problem(Problem.Kind.UNPROCESSABLE, "underage",
          "you must be at least " + minimumAge + " years old to use this service");
    }
  }
}
