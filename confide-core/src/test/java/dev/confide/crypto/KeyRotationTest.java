package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P18")
class KeyRotationTest {
  @TempDir Path tmp;

  private static final Duration WINDOW = Duration.ofDays(30);

  /** Creates subjects with one sealed field each; returns subject to ciphertext. */
  private static Map<UUID, byte[]> seed(CryptoFixture f, int subjects) {
    Map<UUID, byte[]> sealed = new LinkedHashMap<>();
    for (int i = 0; i < subjects; i++) {
      UUID subject = UUID.randomUUID();
      f.database.jdbi().useTransaction(h -> f.subjectKeys.create(h, subject));
      sealed.put(subject, f.subjectKeys.sealer(subject).sealString(field(subject), "secret of " + i));
    }
    return sealed;
  }

  private static FieldRef field(UUID subject) {
    return FieldRef.of("notes", "body", subject);
  }

  /** Every subject key opens its field from a fresh instance (no cache), i.e. from the database alone. */
  private static void assertAllOpen(CryptoFixture f, Map<UUID, byte[]> sealed) throws Exception {
    try (CryptoFixture fresh = f.reopen()) {
      for (Map.Entry<UUID, byte[]> e : sealed.entrySet()) {
        assertThat(fresh.subjectKeys.sealer(e.getKey()).openString(field(e.getKey()), e.getValue())).startsWith("secret of ");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void dailyRotationRewrapsEverySubjectKeyAndDestroysVersionsPastTheWindow(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-10-01T12:00:00Z");
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, clock)) {
      Map<UUID, byte[]> sealed = seed(f, 5);
      KeyRotation rotation = f.rotation(WINDOW, KeyRotation.Observer.NONE);
      int first = f.keyEncryption.primaryKeyId();

      assertThat(rotation.runDaily().rotated()).as("today's primary exists already").isFalse();

      clock.advance(Duration.ofDays(1));
      KeyRotation.Report report = rotation.runDaily();
      assertThat(report.rotated()).isTrue();
      assertThat(report.rewrapped()).isEqualTo(5);
      assertThat(f.keyEncryption.primaryKeyId()).isNotEqualTo(first);
      assertThat(f.subjectKeys.countByKeyEncryptionKey()).containsOnlyKeys((long) f.keyEncryption.primaryKeyId());
      assertAllOpen(f, sealed);

      for (int day = 0; day < 31; day++) {
        clock.advance(Duration.ofDays(1));
        rotation.runDaily();
      }
      List<KeyVersion> versions = f.keyEncryption.versions();
      assertThat(versions.stream().filter(v -> v.keyId() == first).findFirst().orElseThrow().destroyed())
          .as("the first version is past the 30-day window").isTrue();
      assertThat(versions.stream().filter(v -> !v.destroyed()))
          .allSatisfy(v -> assertThat(v.createdAt()).isAfterOrEqualTo(clock.instant().minus(WINDOW).minus(Duration.ofDays(1))));
      assertThat(f.keyEncryption.liveKeys()).hasSizeLessThanOrEqualTo(32);
      assertAllOpen(f, sealed);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anInstanceWithAnOldKeyringSnapshotStillWrapsNewSubjectKeysUnderALiveVersion(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-10-01T12:00:00Z");
    try (CryptoFixture a = CryptoFixture.open(backend, tmp, clock); CryptoFixture b = a.reopen()) {
      Map<UUID, byte[]> sealed = seed(a, 2);
      int first = a.keyEncryption.primaryKeyId();
      clock.advance(Duration.ofDays(40));
      a.rotation(WINDOW, KeyRotation.Observer.NONE).runDaily();
      assertThat(a.keyEncryption.liveKeys()).doesNotContainKey(first);

      // Instance b loaded the keyring before the rotation; its next subject key must still open.
      sealed.putAll(seed(b, 1));
      assertThat(a.subjectKeys.countByKeyEncryptionKey()).containsOnlyKeys((long) a.keyEncryption.primaryKeyId());
      assertAllOpen(a, sealed);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aRotationInterruptedAtAnyStepLeavesEveryKeyOpenableAndTheNextRunCompletesIt(TestBackend backend) throws Exception {
    for (KeyRotation.Step failAt : KeyRotation.Step.values()) {
      MutableClock clock = MutableClock.at("2026-10-01T12:00:00Z");
      Path dir = tmp.resolve(failAt.name());
      try (CryptoFixture f = CryptoFixture.open(backend, dir, clock)) {
        Map<UUID, byte[]> sealed = seed(f, 5); // batch size 2: three re-wrap batches
        clock.advance(Duration.ofDays(31));
        List<KeyRotation.Step> seen = new ArrayList<>();
        KeyRotation interrupted = f.rotation(WINDOW, step -> {
          seen.add(step);
          if (step == failAt) {
            throw new IllegalStateException("simulated crash at " + step);
          }
        });
        assertThatThrownBy(interrupted::runDaily).as("interrupted at " + failAt).hasMessageContaining("simulated");
        assertAllOpen(f, sealed);

        KeyRotation.Report completed = f.rotation(WINDOW, KeyRotation.Observer.NONE).runDaily();
        assertThat(completed.rotated()).as("no second primary for the same day").isFalse();
        assertThat(f.subjectKeys.countByKeyEncryptionKey()).containsOnlyKeys((long) f.keyEncryption.primaryKeyId());
        assertThat(f.keyEncryption.liveKeys()).as("the version past the window is gone").hasSize(1);
        assertAllOpen(f, sealed);
      }
    }
  }
}
