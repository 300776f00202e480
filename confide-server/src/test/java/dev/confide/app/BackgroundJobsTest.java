package dev.confide.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
}
