package dev.confide.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DisclosureGateTest {
  @TempDir Path tmp;

  private static final LocalDate DAY_ONE = LocalDate.parse("2026-11-01");

  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void flowsTheRegistryDoesNotNameAreRefusedAndNotLogged(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      UUID subject = f.signUp("Ada");
      refused(() -> f.gate.check(Flow.of("mailchimp", "marketing", "content", subject, 1)), Problem.Kind.FORBIDDEN,
          "unregistered_flow", "'mailchimp' is not in the processor registry");
      refused(() -> f.gate.check(Flow.of("eu-host", "marketing", "content", subject, 1)), Problem.Kind.FORBIDDEN,
          "unregistered_flow", "purpose 'marketing'");
      refused(() -> f.gate.check(Flow.of("us-plain", "model_inference", "usage", subject, 1)), Problem.Kind.FORBIDDEN,
          "unregistered_flow", "category 'usage'");
      refused(() -> f.gate.check(Flow.anonymous("nobody", "analytics", "usage", 10)), Problem.Kind.FORBIDDEN,
          "unregistered_flow", "'nobody'");
      assertThat(f.log.log(DisclosureLog.Filter.all())).isEmpty();
    }
  }

  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void allowedFlowsAreTotalledPerDayWithNoValuesOrSubjects(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      UUID subject = f.signUp("Ada");
      assertThat(f.gate.check(Flow.of("us-plain", "model_inference", "content", subject, 3))).isEqualTo(DisclosureFixture.US_PLAIN);
      f.gate.check(Flow.of("us-plain", "model_inference", "content", subject, 2));
      f.gate.check(Flow.anonymous("eu-host", "analytics", "usage", 40));
      f.clock.advance(Duration.ofDays(1));
      f.jdbi.useTransaction(h -> f.gate.check(h, Flow.of("us-plain", "model_inference", "content", subject, 1)));
      f.jdbi.useTransaction(h -> {
        f.gate.check(h, Flow.of("us-plain", "model_inference", "content", subject, 7));
        h.rollback(); // the caller's send failed: its log entry goes with it
      });

      assertThat(f.log.log(DisclosureLog.Filter.all())).containsExactly(
          new DisclosureLog.Entry(DAY_ONE.plusDays(1), "us-plain", "model_inference", "content", 1, 1),
          new DisclosureLog.Entry(DAY_ONE, "eu-host", "analytics", "usage", 1, 40),
          new DisclosureLog.Entry(DAY_ONE, "us-plain", "model_inference", "content", 2, 5));
      assertThat(f.log.log(new DisclosureLog.Filter(DAY_ONE, DAY_ONE, "us-plain", null, null, 10)))
          .extracting(DisclosureLog.Entry::records).containsExactly(5L);

      List<Map<String, Object>> rows = f.jdbi.withHandle(h -> h.createQuery("SELECT * FROM disclosure_log").mapToMap().list());
      assertThat(rows).allSatisfy(row -> {
        assertThat(row.keySet()).containsExactlyInAnyOrder("disclosed_on", "processor", "purpose", "category", "stripe", "flow_count",
            "record_count");
        assertThat(row.values()).noneMatch(v -> String.valueOf(v).contains(subject.toString()));
      });
    }
  }

  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void concurrentFlowsInCallersTransactionsAreAllCounted(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      int threads = 4;
      int perThread = 10;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              f.jdbi.useTransaction(h -> f.gate.check(h, Flow.anonymous("eu-host", "analytics", "usage", 2)));
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> d : done) {
          d.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(f.log.log(DisclosureLog.Filter.all()))
          .containsExactly(new DisclosureLog.Entry(DAY_ONE, "eu-host", "analytics", "usage", 40, 80));
    }
  }

  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void euContentGoesOutsideTheEeaOnlyWithASafeguard(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      UUID eu = f.signUp("Ada");
      UUID french = f.signUp("Brigitte");
      UUID american = f.signUp("Carol");
      f.regions.set(eu, "eu");
      f.regions.set(french, "FR");

      for (UUID subject : List.of(eu, french)) {
        refused(() -> f.gate.check(Flow.of("us-plain", "model_inference", "content", subject, 1)), Problem.Kind.UNPROCESSABLE,
            "transfer_not_permitted", "'us-plain'");
        assertThat(f.gate.check(Flow.of("us-scc", "model_inference", "content", subject, 1)).name()).isEqualTo("us-scc");
        assertThat(f.gate.check(Flow.of("eu-host", "hosting", "content", subject, 1)).name()).isEqualTo("eu-host");
      }
      assertThatThrownBy(() -> f.gate.check(Flow.of("us-plain", "model_inference", "content", eu, 1)))
          .hasMessageContaining("US, outside the EU/EEA").hasMessageContaining("standard contractual clauses");
      assertThat(f.gate.check(Flow.of("us-plain", "model_inference", "content", american, 1))).isNotNull();
      assertThat(f.gate.check(Flow.anonymous("us-plain", "model_inference", "content", 1))).isNotNull();
      assertThat(f.log.log(new DisclosureLog.Filter(null, null, "us-plain", null, null, 10)))
          .extracting(DisclosureLog.Entry::flows).containsExactly(2L);
    }
  }

  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void subjectsWithoutARegionAreInTheConfiguredDefault(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "EU")) {
      UUID subject = f.signUp("Ada");
      assertThat(f.regions.region(subject)).isEqualTo("EU");
      refused(() -> f.gate.check(Flow.of("us-plain", "model_inference", "content", subject, 1)), Problem.Kind.UNPROCESSABLE,
          "transfer_not_permitted", "'us-plain'");

      f.regions.set(subject, "us");
      assertThat(f.regions.region(subject)).isEqualTo("US");
      assertThat(f.gate.check(Flow.of("us-plain", "model_inference", "content", subject, 1))).isNotNull();

      refused(() -> f.regions.set(subject, "Europe"), Problem.Kind.INVALID, "invalid_region", "EU or an ISO");
      refused(() -> f.regions.set(UUID.randomUUID(), "US"), Problem.Kind.NOT_FOUND, "not_found", "no such account");
    }
  }

  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void subjectsSettingsStopTheFlowsTheyCover(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      UUID restricted = f.signUp("Ada");
      UUID objecting = f.signUp("Bob");
      UUID optedOut = f.signUp("Carol");
      UUID sensitive = f.signUp("Dan");
      f.settings.change(restricted, SubjectSettings.Change.none().withRestricted(true), "staff", "v1");
      f.settings.change(objecting, change(Optional.empty(), Optional.empty(), Optional.empty(), Map.of("analytics", true)), "app", "v1");
      f.settings.change(optedOut, change(Optional.of(true), Optional.of(true), Optional.empty(), Map.of()), "app", "v1");
      f.settings.change(sensitive, change(Optional.empty(), Optional.empty(), Optional.of(true), Map.of()), "app", "v1");

      refused(() -> f.gate.check(Flow.of("eu-host", "analytics", "usage", restricted, 1)), Problem.Kind.FORBIDDEN,
          "subject_restricted", "purpose 'analytics'");
      refused(() -> f.gate.check(Flow.of("us-plain", "training", "content", restricted, 1)), Problem.Kind.FORBIDDEN,
          "subject_restricted", "purpose 'training'");
      f.gate.check(Flow.of("us-plain", "model_inference", "content", restricted, 1)); // the service itself goes on

      refused(() -> f.gate.check(Flow.of("eu-host", "analytics", "usage", objecting, 1)), Problem.Kind.FORBIDDEN,
          "subject_objected", "purpose 'analytics'");
      f.gate.check(Flow.of("us-plain", "training", "content", objecting, 1));

      refused(() -> f.gate.check(Flow.of("us-plain", "training", "content", optedOut, 1)), Problem.Kind.FORBIDDEN,
          "training_opt_out", "opted out of model training");
      refused(() -> f.gate.check(Flow.of("us-plain", "sharing", "content", optedOut, 1)), Problem.Kind.FORBIDDEN,
          "opted_out_of_sale", "sale and sharing");
      f.gate.check(Flow.of("eu-host", "analytics", "usage", optedOut, 1));

      refused(() -> f.gate.check(Flow.of("eu-host", "analytics", "health", sensitive, 1)), Problem.Kind.FORBIDDEN,
          "sensitive_data_limited", "category 'health'");
      f.gate.check(Flow.of("eu-host", "analytics", "usage", sensitive, 1));
      f.gate.check(Flow.of("eu-host", "hosting", "health", sensitive, 1));

      assertThat(f.log.log(DisclosureLog.Filter.all()))
          .extracting(e -> e.processor() + "/" + e.purpose() + "/" + e.category() + "=" + e.flows())
          .containsExactlyInAnyOrder("us-plain/model_inference/content=1", "us-plain/training/content=1",
              "eu-host/analytics/usage=2", "eu-host/hosting/health=1");
    }
  }

  @Test
  void theRegistryRefusesWhatThePolicyCannotMean() {
    assertThatThrownBy(() -> new ProcessorRegistry(List.of(DisclosureFixture.EU_HOST, DisclosureFixture.EU_HOST)))
        .hasMessageContaining("named twice");
    assertThatThrownBy(() -> new Processor("x", Set.of("hosting"), Set.of("content"), "XX", TransferMechanism.NONE, false))
        .hasMessageContaining("ISO 3166-1");
    assertThatThrownBy(() -> new Processor("x", Set.of("hosting"), Set.of("content"), "IN", TransferMechanism.DPF, false))
        .hasMessageContaining("dpf is only for processors in US");
    assertThatThrownBy(() -> new Processor("x", Set.of(), Set.of("content"), "US", TransferMechanism.NONE, false))
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> TransferMechanism.parse("contract")).hasMessageContaining("none, scc, adequacy, dpf, bcr");
    assertThat(TransferMechanism.parse("SCC")).isEqualTo(TransferMechanism.SCC);
    assertThat(TransferMechanism.parse(null)).isEqualTo(TransferMechanism.NONE);
    assertThat(new ProcessorRegistry(List.of(DisclosureFixture.US_SCC, DisclosureFixture.EU_HOST)).all())
        .extracting(Processor::name).containsExactly("eu-host", "us-scc");
  }

  private static SubjectSettings.Change change(Optional<Boolean> trainingOptOut, Optional<Boolean> optOutOfSale,
      Optional<Boolean> limitSensitive, Map<String, Boolean> objections) {
    return new SubjectSettings.Change(Optional.empty(), Optional.empty(), trainingOptOut, optOutOfSale, limitSensitive,
        Optional.empty(), Optional.empty(), objections, Map.of());
  }

  static void refused(ThrowingCallable call, Problem.Kind kind, String code, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(Problem.class, p -> {
      assertThat(p.kind()).isEqualTo(kind);
      assertThat(p.code()).isEqualTo(code);
      assertThat(p.getMessage()).contains(messagePart);
    });
  }
}
