package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.store.DatabaseSettings;
import dev.confide.testing.ChildJvm;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A separate JVM runs the daily rotation and halts (the same as kill -9: no shutdown hooks, no
 * flush) at a step; this JVM then checks that every subject key still opens and that the next run
 * completes the rotation.
 */
@Tag("P18")
class RotationCrashTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aProcessKilledMidRotationLeavesEveryKeyOpenable(TestBackend backend) throws Exception {
    for (KeyRotation.Step step : KeyRotation.Step.values()) {
      Path dir = tmp.resolve(step.name());
      MutableClock clock = MutableClock.at("2026-10-01T12:00:00Z");
      Map<UUID, byte[]> sealed = new LinkedHashMap<>();
      DatabaseSettings settings;
      Path keyFile;
      TestBackend.Location location;
      CryptoFixture f = CryptoFixture.open(backend, dir, clock);
      {
        for (int i = 0; i < 7; i++) {
          UUID subject = UUID.randomUUID();
          f.database.jdbi().useTransaction(h -> f.subjectKeys.create(h, subject));
          sealed.put(subject, f.subjectKeys.sealer(subject).sealString(FieldRef.of("t", "c", subject), "v" + i));
        }
        settings = f.location.settings();
        keyFile = f.keyFile;
        location = new TestBackend.Location(settings, f.location.schema());
        // Close only the pool (the schema stays): the child opens the H2 file as its own engine,
        // so the crash hits the engine itself.
        f.database.close();
      }
      Instant later = clock.instant().plus(Duration.ofDays(31));
      try (ChildJvm child = ChildJvm.start(RotationCrashMain.class, dir.resolve("child.log"), Map.of(),
          settings.url(), settings.user(), settings.schema() == null ? "" : settings.schema(),
          keyFile.toString(), later.toString(), step.name())) {
        assertThat(child.awaitExit(Duration.ofSeconds(60))).as("child halted at %s", step).isEqualTo(ChildJvm.HALTED);
      }

      clock.set(later);
      try (CryptoFixture after = CryptoFixture.attach(settings, keyFile, clock)) {
        for (Map.Entry<UUID, byte[]> e : sealed.entrySet()) {
          assertThat(after.subjectKeys.sealer(e.getKey()).openString(FieldRef.of("t", "c", e.getKey()), e.getValue()))
              .as("after a kill at %s", step).startsWith("v");
        }
        after.rotation(Duration.ofDays(30), KeyRotation.Observer.NONE).runDaily();
        assertThat(after.subjectKeys.countByKeyEncryptionKey()).containsOnlyKeys((long) after.keyEncryption.primaryKeyId());
        assertThat(after.keyEncryption.liveKeys()).hasSize(1);
        for (Map.Entry<UUID, byte[]> e : sealed.entrySet()) {
          assertThat(after.subjectKeys.sealer(e.getKey()).openString(FieldRef.of("t", "c", e.getKey()), e.getValue())).startsWith("v");
        }
      } finally {
        location.close();
      }
    }
  }
}
