package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.policy.PolicyVerifier.Line;
import dev.confide.policy.PolicyVerifier.Report;
import dev.confide.policy.SelfChecks.Result;
import dev.confide.testing.MutableClock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyVerifierTest {
  private final MutableClock clock = MutableClock.at("2026-05-01T08:00:00Z");

  private static Map<String, Supplier<Result>> allPassing() {
    return SelfChecks.NAMES.stream().collect(Collectors.toMap(n -> n, n -> () -> Result.pass(n + " fine"), (a, b) -> a, HashMap::new));
  }

  private Report verify(Policy policy, Map<String, Supplier<Result>> checks) {
    return new PolicyVerifier(SelfChecks.of(checks), clock).verify(policy);
  }

  private static Line line(Report report, String id) {
    return report.lines().stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void withEveryCheckPassingEveryPromiseTheFileMakesIsEnforced() {
    Report infuzu = verify(PolicyLoader.load("infuzu"), allPassing());
    Report lumis = verify(PolicyLoader.load("lumis"), allPassing());

    assertThat(infuzu.lines()).hasSize(41).extracting(Line::id).startsWith("P01", "P02").endsWith("P41");
    assertThat(infuzu.ok()).isTrue();
    assertThat(infuzu.made()).isEqualTo(30);
    assertThat(infuzu.madeAndEnforced()).isEqualTo(30);
    assertThat(infuzu.policyVersion()).isEqualTo("2025-01-01");
    assertThat(infuzu.checkedAt()).isEqualTo(Instant.parse("2026-05-01T08:00:00Z"));
    assertThat(line(infuzu, "P12").made()).isFalse();
    assertThat(line(lumis, "P12").made()).isTrue();
    assertThat(lumis.made()).isEqualTo(25);
    assertThat(line(infuzu, "P02").reason()).isEqualTo("kept by code; conformance tests tagged P02");
    assertThat(line(infuzu, "P18").reason()).isEqualTo("self-checks pass: keys.fresh, job.key-rotation");
  }

  @Test
  void aFailingCheckUnkeepsEveryPromiseThatReliesOnIt() {
    Map<String, Supplier<Result>> checks = allPassing();
    checks.put(SelfChecks.KEYS_FRESH, () -> Result.fail("newest key version is 3 days old"));

    Report report = verify(PolicyLoader.load("infuzu"), checks);

    assertThat(report.ok()).isFalse();
    assertThat(report.lines().stream().filter(l -> !l.enforced()).map(Line::id)).containsExactly("P01", "P18", "P19");
    assertThat(line(report, "P18").reason()).isEqualTo("keys.fresh failed: newest key version is 3 days old");
    assertThat(line(report, "P18").checks()).extracting(PolicyVerifier.CheckOutcome::passed).containsExactly(false, true);
    assertThat(report.madeAndEnforced()).isEqualTo(27);
  }

  @Test
  void aCheckTheDeploymentLacksOrThatBreaksDoesNotPass() {
    Map<String, Supplier<Result>> checks = allPassing();
    checks.remove(SelfChecks.TLS);
    checks.put(SelfChecks.AGE_GATE, () -> {
      throw new IllegalStateException("boom");
    });

    Report report = verify(PolicyLoader.load("lumis"), checks);

    assertThat(line(report, "P20").enforced()).isFalse();
    assertThat(line(report, "P20").reason()).isEqualTo("tls is not available");
    assertThat(line(report, "P34").reason()).isEqualTo("age-gate failed: the check itself failed (IllegalStateException)");
    assertThat(report.ok()).isFalse();
  }

  @Test
  void aPromiseTheFileDoesNotMakeCannotFailTheReport() {
    Map<String, Supplier<Result>> checks = allPassing();
    checks.put(SelfChecks.RATE_LIMITS, () -> Result.fail("no limits configured"));

    Report report = verify(PolicyLoader.load("lumis"), checks);

    assertThat(line(report, "P40").made()).isFalse();
    assertThat(line(report, "P40").enforced()).isFalse();
    assertThat(report.ok()).isTrue();
  }

  @Test
  void eachCheckRunsOncePerReport() {
    AtomicInteger runs = new AtomicInteger();
    Map<String, Supplier<Result>> checks = allPassing();
    checks.put(SelfChecks.SWEEPS_ON_TIME, () -> {
      runs.incrementAndGet();
      return Result.pass("last sweep 5 minutes ago");
    });

    verify(PolicyLoader.load("infuzu"), checks);

    assertThat(runs).hasValue(1);
  }

  @Test
  void theTextTableHasOneLinePerPromiseAndASummary() {
    Map<String, Supplier<Result>> checks = allPassing();
    checks.put(SelfChecks.MAIL_OUTBOX, () -> Result.fail("outbox has 12 messages older than an hour"));

    String text = verify(PolicyLoader.load("infuzu"), checks).toText();
    List<String> lines = text.lines().toList();

    assertThat(lines.get(0)).startsWith("id    promise").contains("made  enforced  why");
    assertThat(lines.subList(1, 42)).allSatisfy(l -> assertThat(l).matches("P\\d\\d  .*  (I|L|IL) +(yes|no) +(yes|no) +.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("P33").contains(" yes   no        mail.outbox failed: outbox"));
    assertThat(text).endsWith("policy 2025-01-01, checked 2026-05-01T08:00:00Z: 30 promises made, 27 enforced;"
        + " NOT ALL PROMISES MADE ARE KEPT\n");
  }
}
