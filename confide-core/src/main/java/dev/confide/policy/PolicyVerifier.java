package dev.confide.policy;

import dev.confide.policy.PromiseCatalogue.Promise;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code confide policy verify}: for each promise P01–P41, whether the active policy makes it and
 * whether this running deployment keeps it, judged by the self-checks the promise relies on. A
 * promise with no self-check is kept by code alone; its conformance tests carry its id.
 */
public final class PolicyVerifier {
  private final SelfChecks checks;
  private final Clock clock;

  public PolicyVerifier(SelfChecks checks, Clock clock) {
    this.checks = checks;
    this.clock = clock;
  }

  /** The outcome of one self-check; {@code available} is false when the deployment does not implement it. */
  public record CheckOutcome(String name, boolean available, boolean passed, String detail) {}

  /**
   * One promise's line in the report.
   *
   * @param reason why it is or is not enforced, in a few words
   */
  public record Line(String id, String title, String source, boolean made, boolean enforced, String reason,
      List<CheckOutcome> checks) {
    public Line {
      checks = List.copyOf(checks);
    }
  }

  /** The whole report; {@link #ok()} when every promise the policy makes is enforced. */
  public record Report(String policyVersion, Instant checkedAt, List<Line> lines) {
    public Report {
      lines = List.copyOf(lines);
    }

    public boolean ok() {
      return lines.stream().noneMatch(l -> l.made() && !l.enforced());
    }

    public long made() {
      return lines.stream().filter(Line::made).count();
    }

    public long madeAndEnforced() {
      return lines.stream().filter(l -> l.made() && l.enforced()).count();
    }

    /** A plain-text table, one promise per line, then a summary. */
    public String toText() {
      int titleWidth = lines.stream().mapToInt(l -> l.title().length()).max().orElse(7);
      String format = "%-4s  %-" + titleWidth + "s  %-3s  %-4s  %-8s  %s%n";
      StringBuilder out = new StringBuilder();
      out.append(String.format(format, "id", "promise", "src", "made", "enforced", "why"));
      for (Line l : lines) {
        out.append(String.format(format, l.id(), l.title(), l.source(), l.made() ? "yes" : "no",
            l.enforced() ? "yes" : "no", l.reason()));
      }
      out.append(String.format("%npolicy %s, checked %s: %d promises made, %d enforced%s%n", policyVersion, checkedAt,
          made(), madeAndEnforced(), ok() ? "" : "; NOT ALL PROMISES MADE ARE KEPT"));
      return out.toString();
    }
  }

  public Report verify(Policy policy) {
    Map<String, CheckOutcome> ran = new HashMap<>();
    List<Line> lines = new ArrayList<>();
    for (Promise promise : PromiseCatalogue.all()) {
      List<CheckOutcome> outcomes = promise.checks().stream().map(name -> ran.computeIfAbsent(name, this::run)).toList();
      List<CheckOutcome> failing = outcomes.stream().filter(o -> !o.passed()).toList();
      String reason;
      if (outcomes.isEmpty()) {
        reason = "kept by code; conformance tests tagged " + promise.id();
      } else if (failing.isEmpty()) {
        reason = "self-checks pass: " + outcomes.stream().map(CheckOutcome::name).collect(Collectors.joining(", "));
      } else {
        reason = failing.stream().map(o -> o.name() + (o.available() ? " failed: " + o.detail() : " is not available"))
            .collect(Collectors.joining("; "));
      }
      lines.add(new Line(promise.id(), promise.title(), promise.source().name(), policy.makes(promise.id()),
          failing.isEmpty(), reason, outcomes));
    }
    return new Report(policy.version(), clock.instant(), lines);
  }

  private CheckOutcome run(String name) {
    try {
      return checks.run(name).map(r -> new CheckOutcome(name, true, r.passed(), r.detail()))
          .orElseGet(() -> new CheckOutcome(name, false, false, "not available"));
    } catch (RuntimeException e) {
      // a check that breaks is a check that does not pass; the report says so instead of failing
      return new CheckOutcome(name, true, false, "the check itself failed (" + e.getClass().getSimpleName() + ")");
    }
  }
}
