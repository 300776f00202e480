package dev.confide.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
import dev.confide.crypto.KeyRotation;
import dev.confide.chat.DecisionEvent;
import dev.confide.notify.MailKind;
import dev.confide.policy.SelfChecks;
import dev.confide.policy.SelfChecks.Result;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RuntimeSelfChecksTest {
  private static final String PASSWORD = "a long passphrase 42";

  @TempDir Path tmp;

  private static Result run(RuntimeSelfChecks checks, String name) {
    return checks.run(name).orElseThrow(() -> new AssertionError(name + " is not implemented"));
  }

  @Test
  void everyNamedCheckIsAnswered() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      RuntimeSelfChecks checks = new RuntimeSelfChecks(server.confide, false);
      for (String name : SelfChecks.NAMES) {
        assertThat(checks.run(name)).as(name).isPresent();
      }
      assertThat(checks.run("no.such.check")).isEmpty();
    }
  }

  @Tag("P04")
  @Tag("P18")
  @Tag("P30")
  @Tag("P32")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void jobsKeysAndSweepsAreJudgedByWhenTheyLastRanAndWhatIsOverdue(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp); BackgroundJobs jobs = new BackgroundJobs(server.confide)) {
      RuntimeSelfChecks checks = new RuntimeSelfChecks(server.confide, false);
      List<String> jobChecks = List.of(SelfChecks.KEY_ROTATION_JOB, SelfChecks.RETENTION_JOB, SelfChecks.REQUEST_DEADLINES_JOB);
      for (String job : jobChecks) {
        assertThat(run(checks, job).passed()).as(job).isFalse();
        assertThat(run(checks, job).detail()).as(job).contains("never succeeded");
      }
      assertThat(run(checks, SelfChecks.KEYS_FRESH).passed()).isTrue();
      ApiClient ada = server.client();
      ada.signUp("Ada Checks", "ada-checks@example.com", PASSWORD, "1990-01-01");
      ada.post("/api/conversations", Map.of("content", "left idle", "model", "builtin-echo"));
      ApiClient bea = server.client();
      bea.signUp("Bea Checks", "bea-checks@example.com", PASSWORD, "1990-01-01");
      bea.patch("/api/settings", Map.of("chatRetentionDays", 30));
      bea.post("/api/conversations", Map.of("content", "left idle on a shorter clock", "model", "builtin-echo"));
      runAll(jobs);
      for (String job : jobChecks) {
        assertThat(run(checks, job).passed()).as(job).isTrue();
      }
      assertThat(run(checks, SelfChecks.SWEEPS_ON_TIME).passed()).isTrue();

      // the retention job runs hourly: two hours without a success is still on time, a minute more is not
      server.clock.advance(Duration.ofHours(2));
      assertThat(run(checks, SelfChecks.RETENTION_JOB).passed()).isTrue();
      server.clock.advance(Duration.ofMinutes(1));
      assertThat(run(checks, SelfChecks.RETENTION_JOB).passed()).isFalse();
      assertThat(run(checks, SelfChecks.REQUEST_DEADLINES_JOB).detail()).contains("more than twice its interval");

      // 31 days on with no job run: only the chat kept 30 days is overdue
      server.clock.advance(Duration.ofDays(31));
      assertThat(run(checks, SelfChecks.SWEEPS_ON_TIME).detail()).contains(": 1 idle conversations");
      // 91 days on: both chats are past their retention, and the keys are stale
      server.clock.advance(Duration.ofDays(60));
      Result sweeps = run(checks, SelfChecks.SWEEPS_ON_TIME);
      assertThat(sweeps.passed()).isFalse();
      assertThat(sweeps.detail()).contains(": 2 idle conversations").doesNotContain("usage records");
      assertThat(run(checks, SelfChecks.KEYS_FRESH).passed()).isFalse();
      assertThat(run(checks, SelfChecks.KEY_ROTATION_JOB).passed()).isFalse();

      runAll(jobs);
      for (String name : List.of(SelfChecks.KEYS_FRESH, SelfChecks.SWEEPS_ON_TIME, SelfChecks.KEY_ROTATION_JOB,
          SelfChecks.RETENTION_JOB, SelfChecks.REQUEST_DEADLINES_JOB)) {
        assertThat(run(checks, name).passed()).as("%s: %s", name, run(checks, name).detail()).isTrue();
      }
    }
  }

  @Tag("P35")
  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theOutboxCheckFailsOnMailThatFailedOrWaitsUnsent(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      RuntimeSelfChecks checks = new RuntimeSelfChecks(server.confide, false);
      ApiClient ada = server.client();
      ada.signUp("Ada Mail", "ada-mail@example.com", PASSWORD, "1990-01-01");
      UUID subject = UUID.fromString(ada.get("/api/me").json().get("id").asText());
      assertThat(server.confide.mailDispatcher.runOnce().sent()).as("the sign-up's code goes out first").isEqualTo(1);
      UUID mail = server.confide.outbox.enqueue(subject, MailKind.LEGAL, "policy_update",
          Map.of("version", "2", "summary", "Changes", "publishedOn", "2026-11-02"));
      assertThat(run(checks, SelfChecks.MAIL_OUTBOX).passed()).as("just queued").isTrue();

      server.clock.advance(Duration.ofMinutes(61));
      Result stuck = run(checks, SelfChecks.MAIL_OUTBOX);
      assertThat(stuck.passed()).isFalse();
      assertThat(stuck.detail()).contains("1 due more than 1 h ago");

      assertThat(server.confide.mailDispatcher.runOnce().sent()).isEqualTo(1);
      assertThat(run(checks, SelfChecks.MAIL_OUTBOX).passed()).isTrue();

      // a relay that refused it for good
      sql(server, "UPDATE mail_outbox SET status = 'failed', last_error = 'relay refused' WHERE id = '" + mail + "'");
      assertThat(run(checks, SelfChecks.MAIL_OUTBOX).detail()).startsWith("1 mails failed in the last day");
      sql(server, "UPDATE mail_outbox SET last_error = 'recipient erased' WHERE id = '" + mail + "'");
      assertThat(run(checks, SelfChecks.MAIL_OUTBOX).passed()).as("mail to an erased subject is meant to go nowhere").isTrue();
      sql(server, "UPDATE mail_outbox SET last_error = 'relay refused' WHERE id = '" + mail + "'");
      server.clock.advance(Duration.ofHours(25));
      assertThat(run(checks, SelfChecks.MAIL_OUTBOX).passed()).as("a day later it no longer counts").isTrue();
    }
  }

  @Tag("P14")
  @Tag("P15")
  @Tag("P20")
  @Tag("P22")
  @Tag("P34")
  @Tag("P40")
  @Test
  void auditTlsPiiProcessorsAgeAndLimitsOnAPlainServer() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp, """
        providers:
          - name: acme-llm
            baseUrl: http://127.0.0.1:9/v1
            models: [acme-1]
        """, false)) {
      RuntimeSelfChecks plain = new RuntimeSelfChecks(server.confide, false);
      assertThat(run(plain, SelfChecks.TLS).passed()).isFalse();
      assertThat(run(plain, SelfChecks.TLS).detail()).startsWith("plain HTTP");
      Result https = run(new RuntimeSelfChecks(server.confide, true), SelfChecks.TLS);
      assertThat(https.passed()).isTrue();
      assertThat(https.detail()).contains("P-521");

      assertThat(run(plain, SelfChecks.PII_READY).passed()).isTrue();
      assertThat(server.confide.config.providers().get(0).shield()).as("a provider without a shield key is shielded").isEqualTo("pseudonymize");
      assertThat(run(plain, SelfChecks.SHIELD_ON)).isEqualTo(Result.pass(
          "1 upstream provider(s), each with the PII shield on; only a subject's recorded consent switches it off"));
      assertThat(run(plain, SelfChecks.PROCESSORS_REGISTERED).detail()).isEqualTo("1 model providers, each listed in the policy");
      assertThat(run(plain, SelfChecks.AGE_GATE)).isEqualTo(Result.pass("sign-up requires age 13; the policy states 13"));
      assertThat(run(plain, SelfChecks.RATE_LIMITS)).isEqualTo(
          Result.pass("per subject 60 requests and 100000 tokens a minute; per API key 60 and 100000"));

      server.confide.auditLog.append(AuditEvent.of(Actor.system(), AuditActions.KEY_ROTATED));
      server.confide.auditLog.append(AuditEvent.of(Actor.system(), AuditActions.KEY_ROTATED));
      assertThat(run(plain, SelfChecks.AUDIT_CHAIN)).isEqualTo(Result.pass("2 entries verify"));
      sql(server, "UPDATE audit_entries SET detail = 'n=1' WHERE seq = 1");
      Result broken = run(plain, SelfChecks.AUDIT_CHAIN);
      assertThat(broken.passed()).isFalse();
      assertThat(broken.detail()).startsWith("the chain breaks at entry 1");
    }
  }

  @Tag("P15")
  @Tag("P20")
  @Tag("P31")
  @Tag("P34")
  @Test
  void aBlindDetectorAProviderClaimingABaaTheProxyAndAHigherMinimumAge() {
    var blind = new Confide.Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE, text -> List.of());
    try (TestServer server = TestServer.start(TestBackend.H2, tmp, """
        server:
          secureCookies: true
        ageGate:
          minimumAge: 16
        providers:
          - name: acme-llm
            baseUrl: http://127.0.0.1:9/v1
            models: [acme-1]
            baa: true
            shield: off
        """, false, blind)) {
      RuntimeSelfChecks checks = new RuntimeSelfChecks(server.confide, false);
      assertThat(run(checks, SelfChecks.PII_READY).passed()).isFalse();
      assertThat(run(checks, SelfChecks.SHIELD_ON)).isEqualTo(Result.fail("the PII shield is off for acme-llm: personal data would "
          + "reach them without consent (set shield: redact or pseudonymize)"));
      Result processors = run(checks, SelfChecks.PROCESSORS_REGISTERED);
      assertThat(processors.passed()).isFalse();
      assertThat(processors.detail()).isEqualTo(
          "acme-llm is configured with a BAA but the policy's 'AI model providers' has none");
      assertThat(run(checks, SelfChecks.TLS).passed()).as("TLS ends at a proxy").isTrue();
      assertThat(run(checks, SelfChecks.AGE_GATE)).isEqualTo(Result.pass("sign-up requires age 16; the policy states 13"));
    }
  }

  private static void runAll(BackgroundJobs jobs) {
    jobs.rotateKeysIfDue();
    jobs.sweep();
    jobs.remindAndAnnounce();
  }

  private static void sql(TestServer server, String statement) {
    server.confide.database.jdbi().useHandle(h -> h.execute(statement));
  }
}
