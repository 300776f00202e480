package dev.confide.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.app.Confide;
import dev.confide.rights.Erasure;
import dev.confide.rights.ErasureLedgerFile;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ChildJvm;
import dev.confide.testing.Integrity;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A child JVM runs an erasure or a retention sweep on the test's data and halts (as kill -9) at a
 * chosen point; the next start then completes the step, and the end state is that of running it
 * once. Key rotation killed at every step is {@code RotationCrashTest} (confide-core).
 */
class InterruptedJobsTest {
  private static final String PASSWORD = "correct horse battery staple 1";
  /** Small batches, so a sweep has several commits to be killed between. */
  private static final String YAML = "retention:\n  batchSize: 2\n  runEveryMinutes: 60\n";

  @TempDir Path tmp;

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anErasureKilledAtAnyPointEndsErasedExactlyOnce(TestBackend backend) throws Exception {
    TestBackend.Location location = backend.newLocation(tmp);
    MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    Map<Erasure.Point, UUID> subjects = new EnumMap<>(Erasure.Point.class);
    TestServer before = TestServer.on(location, tmp, YAML, clock, Confide.Hooks.NONE);
    try {
      for (Erasure.Point point : Erasure.Point.values()) {
        ApiClient client = signedUp(before, email(point));
        chat(client, "first words");
        chat(client, "second words");
        subjects.put(point, UUID.fromString(client.get("/api/me").json().get("id").asText()));
      }
      chat(signedUp(before, "bystander@example.com"), "a bystander's chat");
    } finally {
      before.stopKeepingData();
    }
    // One killed erasure per point, one after the other on the same data, as repeated crashes would.
    for (Erasure.Point point : Erasure.Point.values()) {
      haltChild(location, "erasure-" + point, clock.instant(), "erasure", subjects.get(point).toString(), point.name());
    }

    try (TestServer after = TestServer.on(location, tmp, YAML, clock, Confide.Hooks.NONE)) {
      Confide confide = after.confide;
      for (Erasure.Point point : Erasure.Point.values()) {
        UUID subject = subjects.get(point);
        assertThat(ledgerLines(confide, subject)).as("the ledger line is on disk before %s", point).isEqualTo(1);
        assertThat(confide.erasure.isErased(subject)).as("committed at %s", point).isEqualTo(point == Erasure.Point.COMMITTED);
      }
      assertThat(Integrity.problems(confide)).isEmpty();

      assertThat(confide.erasure.completeInterrupted()).as("the two killed before the commit").isEqualTo(2);
      assertThat(confide.erasure.completeInterrupted()).as("idempotent").isZero();
      for (Erasure.Point point : Erasure.Point.values()) {
        UUID subject = subjects.get(point);
        assertThat(confide.erasure.isErased(subject)).isTrue();
        assertThat(confide.subjectKeys.exists(subject)).isFalse();
        assertThat(after.client().logIn(email(point), PASSWORD).status()).isEqualTo(401);
        assertThat(count(confide, "SELECT COUNT(*) FROM erasure_ledger WHERE subject_id = :s", subject)).isEqualTo(1);
        assertThat(count(confide, "SELECT COUNT(*) FROM audit_entries WHERE action = 'erasure' AND subject_id = :s", subject))
            .as("one erasure in the audit log after %s", point).isEqualTo(1);
      }
      assertThat(Integrity.problems(confide)).isEmpty();

      confide.retention.run();
      for (UUID subject : subjects.values()) {
        assertThat(count(confide, "SELECT COUNT(*) FROM messages WHERE subject_id = :s", subject)).isZero();
        assertThat(count(confide, "SELECT COUNT(*) FROM conversations WHERE subject_id = :s", subject)).isZero();
        assertThat(count(confide, "SELECT COUNT(*) FROM erasure_ledger WHERE subject_id = :s AND purged_at IS NOT NULL", subject))
            .isEqualTo(1);
      }
      int remaining = confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM messages").mapTo(Integer.class).one());
      assertThat(remaining).as("the bystander's turn").isEqualTo(2);
    }
  }

  @Tag("P04")
  @Tag("P25")
  @Tag("P32")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aSweepKilledBetweenBatchesFinishesOnTheNextRunAsIfRunOnce(TestBackend backend) throws Exception {
    TestBackend.Location location = backend.newLocation(tmp);
    MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    UUID idle;
    UUID erased;
    List<String> kept = new ArrayList<>();
    TestServer before = TestServer.on(location, tmp, YAML, clock, Confide.Hooks.NONE);
    try {
      ApiClient idleClient = signedUp(before, "idle@example.com");
      for (int i = 0; i < 5; i++) {
        chat(idleClient, "idle chat " + i);
      }
      idle = UUID.fromString(idleClient.get("/api/me").json().get("id").asText());
      clock.advance(Duration.ofDays(80));
      ApiClient active = signedUp(before, "active@example.com");
      kept.add(chat(active, "active chat 1"));
      kept.add(chat(active, "active chat 2"));
      ApiClient gone = signedUp(before, "gone@example.com");
      for (int i = 0; i < 3; i++) {
        chat(gone, "soon erased " + i);
      }
      erased = UUID.fromString(gone.get("/api/me").json().get("id").asText());
      assertThat(gone.delete("/api/me").status()).isEqualTo(200);
    } finally {
      before.stopKeepingData();
    }
    // 91 days after the idle chats (past the 90-day default), 11 after the active ones. The first
    // run is killed mid chat expiry (after 2 of 3 batches), the second mid purge of the erased subject.
    Instant asOf = clock.instant().plus(Duration.ofDays(11));
    haltChild(location, "sweep-chats", asOf, "sweep", "chats", "2");
    haltChild(location, "sweep-purge", asOf, "sweep", "purge:messages", "1");

    clock.set(asOf);
    try (TestServer after = TestServer.on(location, tmp, YAML, clock, Confide.Hooks.NONE)) {
      Confide confide = after.confide;
      assertThat(Integrity.problems(confide)).as("after the kills, before the next run").isEmpty();
      assertThat(count(confide, "SELECT COUNT(*) FROM messages WHERE subject_id = :s", erased)).as("purge was cut short").isPositive();
      confide.retention.run(asOf);
      assertThat(confide.retention.due(asOf)).as("nothing left to do")
          .isEqualTo(new dev.confide.retention.RetentionSweeps.Report(0, 0, 0, 0, 0, 0, 0));
      assertThat(count(confide, "SELECT COUNT(*) FROM conversations WHERE subject_id = :s", idle)).isZero();
      assertThat(count(confide, "SELECT COUNT(*) FROM messages WHERE subject_id = :s", idle)).isZero();
      ApiClient active = after.client();
      assertThat(active.logIn("active@example.com", PASSWORD).status()).isEqualTo(200);
      for (String conversation : kept) {
        var view = active.get("/api/conversations/" + conversation);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().get("messages")).hasSize(2);
      }
      for (String table : List.of("messages", "conversations", "accounts", "sessions", "subject_keys")) {
        assertThat(count(confide, "SELECT COUNT(*) FROM " + table + " WHERE subject_id = :s", erased)).as(table).isZero();
      }
      assertThat(count(confide, "SELECT COUNT(*) FROM erasure_ledger WHERE subject_id = :s AND purged_at IS NOT NULL", erased))
          .isEqualTo(1);
      assertThat(count(confide, "SELECT COUNT(*) FROM usage_records WHERE subject_id = :s", erased)).isZero();
      assertThat(count(confide, """
          SELECT COUNT(*) FROM usage_records WHERE subject_id = (SELECT tombstone FROM erasure_ledger WHERE subject_id = :s)""", erased))
          .as("usage kept under the tombstone").isEqualTo(3);
      assertThat(Integrity.problems(confide)).isEmpty();
    }
  }

  /** Runs {@link JobCrashMain} on the same configuration file, environment and database as the servers. */
  private void haltChild(TestBackend.Location location, String name, Instant clock, String... step)
      throws InterruptedException {
    List<String> args = new ArrayList<>(List.of(tmp.resolve("confide-test.yaml").toString(), clock.toString()));
    args.addAll(List.of(step));
    try (ChildJvm child = ChildJvm.start(JobCrashMain.class, tmp.resolve(name + ".log"), TestServer.environment(location, tmp), args.toArray(String[]::new))) {
      assertThat(child.awaitExit(Duration.ofSeconds(90))).as("halted at %s; log:\n%s", String.join(" ", step), child.log())
          .isEqualTo(ChildJvm.HALTED);
    }
  }

  private static ApiClient signedUp(TestServer server, String email) {
    ApiClient client = server.client();
    assertThat(client.signUp("Someone", email, PASSWORD, "1990-01-01").status()).isEqualTo(201);
    return client;
  }

  private static String email(Erasure.Point point) {
    return point.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "@example.com";
  }

  private static String chat(ApiClient client, String content) {
    var r = client.post("/api/conversations", Map.of("content", content, "model", "builtin-echo"));
    assertThat(r.status()).isEqualTo(201);
    return r.json().get("conversationId").asText();
  }

  private static int ledgerLines(Confide confide, UUID subject) {
    return (int) new ErasureLedgerFile(confide.config.dataPath().resolve("erasure-ledger.jsonl")).entries().stream()
        .filter(e -> e.subject().equals(subject)).count();
  }

  private static int count(Confide confide, String sql, UUID subject) {
    return confide.database.jdbi().withHandle(h -> h.createQuery(sql).bind("s", subject).mapTo(Integer.class).one());
  }
}
