package dev.confide.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.identity.StaffRole;
import dev.confide.rights.PrivacyRequests;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackgroundJobsTest {
  @TempDir Path tmp;

  @Tag("P04")
  @Tag("P32")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theLeasedSweepCountsWhatItRemovedAndRecordsItsSuccess(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Sweep", "ada-sweep@example.com", "a long passphrase 42", "1990-01-01");
      ada.post("/api/conversations", Map.of("content", "soon forgotten", "model", "builtin-echo"));
      ada.post("/api/conversations", Map.of("content", "also forgotten", "model", "builtin-echo"));
      try (BackgroundJobs jobs = new BackgroundJobs(server.confide)) {
        assertThat(server.confide.leases.lastSuccess("retention")).isEmpty();
        server.clock.advance(Duration.ofDays(91));
        jobs.sweep();
        assertThat(server.confide.leases.lastSuccess("retention")).hasValue(server.clock.instant());
        assertThat(server.confide.metrics.counter("confide.retention.rows", "sweep", "conversations").count()).isEqualTo(2.0);
        assertThat(server.confide.metrics.timer("confide.job.duration", "job", "retention").count()).isEqualTo(1);
        jobs.sweep();
        assertThat(server.confide.metrics.counter("confide.retention.rows", "sweep", "conversations").count())
            .as("idempotent: a second run finds nothing more").isEqualTo(2.0);
        String scraped = server.client().get("/metrics").text();
        assertThat(scraped).contains("confide_retention_rows_total{sweep=\"conversations\"} 2.0");
      }
    }
  }

  @Tag("P25")
  @Tag("P30")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void requestsOvertakenByTheSubjectsErasureAreCompletedAndNotReminded(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      server.staffClient("po-settle@confide.test", StaffRole.PRIVACY_OFFICER);
      ApiClient ada = server.client();
      UUID erased = UUID.fromString(ada.signUp("Ada Gone", "ada-gone@example.com", "a long passphrase 42", "1990-01-01")
          .json().get("id").asText());
      ApiClient bob = server.client();
      bob.signUp("Bob Stays", "bob-stays@example.com", "a long passphrase 42", "1990-01-01");
      String adasRectify = ada.post("/api/privacy/requests", Map.of("type", "rectify")).json().get("id").asText();
      String bobsRectify = bob.post("/api/privacy/requests", Map.of("type", "rectify")).json().get("id").asText();
      // An emailed erasure request still waiting for its code when the user erases the account in the app:
      // the code is sealed with the destroyed key, so nobody could ever verify it.
      PrivacyRequests.Intake emailed = server.confide.privacyRequests.intake(erased, "erase", "gdpr", List.of(), null);
      assertThat(ada.delete("/api/me").status()).isEqualTo(200);
      assertThat(server.confide.privacyRequests.queue(true)).extracting(PrivacyRequests.QueueEntry::subject).contains(erased);

      server.clock.advance(Duration.ofDays(29)); // both GDPR deadlines are two days away: reminders are due
      try (BackgroundJobs jobs = new BackgroundJobs(server.confide)) {
        jobs.remindAndAnnounce();
        jobs.remindAndAnnounce();
      }
      var open = server.confide.privacyRequests.queue(true);
      assertThat(open).extracting(e -> e.id().toString()).as("the live subject's request stays open").containsExactly(bobsRectify);
      assertThat(reminders(server, adasRectify)).as("nothing is reminded of a request that is done").isZero();
      assertThat(reminders(server, emailed.request().id().toString())).isZero();
      assertThat(reminders(server, bobsRectify)).isEqualTo(1);
      for (String id : List.of(adasRectify, emailed.request().id().toString())) {
        var done = server.confide.privacyRequests.get(erased, UUID.fromString(id));
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.completedAt()).isEqualTo(server.clock.instant());
        assertThat(done.receipt().payload()).contains("\"outcome\":").contains("erased at");
      }
      assertThat(server.confide.privacyRequests.settleErased()).as("idempotent").isZero();
    }
  }

  private static int reminders(TestServer server, String request) {
    return server.confide.database.jdbi().withHandle(h -> h.createQuery(
            "SELECT COUNT(*) FROM request_reminders WHERE request_id = :r").bind("r", UUID.fromString(request))
        .mapTo(Integer.class).one());
  }
}
