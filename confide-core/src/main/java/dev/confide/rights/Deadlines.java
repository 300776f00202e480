package dev.confide.rights;

import dev.confide.problem.Problem;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Statutory deadlines for privacy requests per jurisdiction (P30), from the policy file: how long
 * a request may take, and by how much staff may extend it once with a recorded reason.
 */
public record Deadlines(Map<String, Deadline> byJurisdiction, String defaultJurisdiction) {

  /** Calendar periods: "one month" from 31 January is the end of February, as the law counts. */
  public record Deadline(Period answerWithin, Period extendableBy) {}

  /** GDPR one month (+2), CCPA 45 days (+45): what both reference policies promise. */
  public static Deadlines statutory() {
    return new Deadlines(Map.of(
        "gdpr", new Deadline(Period.ofMonths(1), Period.ofMonths(2)),
        "ccpa", new Deadline(Period.ofDays(45), Period.ofDays(45))), "gdpr");
  }

  public Deadlines {
    byJurisdiction = Map.copyOf(byJurisdiction);
    if (!byJurisdiction.containsKey(defaultJurisdiction)) {
      throw new IllegalArgumentException("the default jurisdiction has no deadline: " + defaultJurisdiction);
    }
  }

  /** The jurisdiction's key, normalized; refuses one the policy has no deadline for. */
  public String jurisdiction(String requested) {
    String law = requested == null ? defaultJurisdiction : requested.toLowerCase(Locale.ROOT);
    if (!byJurisdiction.containsKey(law)) {
      throw Problem.invalid("invalid_jurisdiction",
          "jurisdiction must be one of " + String.join(", ", new TreeSet<>(byJurisdiction.keySet())));
    }
    return law;
  }

  public Instant due(String jurisdiction, Instant receivedAt) {
    return plus(receivedAt, byJurisdiction.get(jurisdiction).answerWithin());
  }

  public Instant extended(String jurisdiction, Instant dueAt) {
    return plus(dueAt, byJurisdiction.get(jurisdiction).extendableBy());
  }

  private static Instant plus(Instant at, Period period) {
    return at.atOffset(ZoneOffset.UTC).plus(period).toInstant();
  }
}
