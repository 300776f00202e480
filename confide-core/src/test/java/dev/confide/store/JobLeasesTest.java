package dev.confide.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobLeasesTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void oneHolderAtATimeUntilReleaseOrExpiry(TestBackend backend) {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (TestBackend.Location location = backend.newLocation(tmp); Database db = Database.open(location.settings())) {
      JobLeases leases = new JobLeases(db.jdbi(), clock);
      assertThat(leases.tryAcquire("sweep", "a", Duration.ofMinutes(5))).isTrue();
      assertThat(leases.tryAcquire("sweep", "b", Duration.ofMinutes(5))).isFalse();
      assertThat(leases.tryAcquire("sweep", "a", Duration.ofMinutes(5))).as("renewal").isTrue();
      assertThat(leases.tryAcquire("other-job", "b", Duration.ofMinutes(5))).isTrue();
      leases.release("sweep", "a");
      assertThat(leases.tryAcquire("sweep", "b", Duration.ofMinutes(5))).isTrue();
      clock.advance(Duration.ofMinutes(6)); // b crashed and never released
      assertThat(leases.tryAcquire("sweep", "a", Duration.ofMinutes(5))).isTrue();
      assertThat(db.isReachable()).isTrue();
    }
  }
}
