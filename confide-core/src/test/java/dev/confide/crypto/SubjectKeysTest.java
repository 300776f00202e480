package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P18")
class SubjectKeysTest {
  @TempDir Path tmp;

  private static final FieldRef CONTENT = FieldRef.of("messages", "content", "row-1");

  private static UUID newSubject(CryptoFixture f) {
    UUID subject = UUID.randomUUID();
    f.database.jdbi().useTransaction(h -> f.subjectKeys.create(h, subject));
    return subject;
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void sealedFieldOpensOnlyAtItsOwnPlace(TestBackend backend) throws Exception {
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID alice = newSubject(f);
      UUID bob = newSubject(f);
      Sealer sealer = f.subjectKeys.sealer(alice);
      byte[] sealed = sealer.sealString(CONTENT, "hello, private world");

      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hello");
      assertThat(sealer.openString(CONTENT, sealed)).isEqualTo("hello, private world");
      assertThatThrownBy(() -> sealer.open(FieldRef.of("messages", "content", "row-2"), sealed))
          .as("moved to another row").isInstanceOf(CannotOpenException.class);
      assertThatThrownBy(() -> sealer.open(FieldRef.of("messages", "title", "row-1"), sealed))
          .as("moved to another column").isInstanceOf(CannotOpenException.class);
      assertThatThrownBy(() -> sealer.open(FieldRef.of("accounts", "content", "row-1"), sealed))
          .as("moved to another table").isInstanceOf(CannotOpenException.class);
      assertThatThrownBy(() -> f.subjectKeys.sealer(bob).open(CONTENT, sealed))
          .as("moved to another subject").isInstanceOf(CannotOpenException.class);
      byte[] tampered = sealed.clone();
      tampered[tampered.length - 1] ^= 1;
      assertThatThrownBy(() -> sealer.open(CONTENT, tampered)).as("one bit flipped").isInstanceOf(CannotOpenException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aNewKeyVersionOnTheFirstWriteOfEachDayAndOldFieldsStillOpen(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T23:00:00Z");
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, clock)) {
      UUID subject = newSubject(f);
      Sealer sealer = f.subjectKeys.sealer(subject);
      byte[] day1 = sealer.sealString(CONTENT, "day one");
      sealer.sealString(CONTENT, "day one again");
      assertThat(f.subjectKeys.versionCount(subject)).isEqualTo(1);

      clock.advance(Duration.ofHours(2)); // past midnight UTC
      byte[] day2 = sealer.sealString(CONTENT, "day two");
      assertThat(f.subjectKeys.versionCount(subject)).isEqualTo(2);
      sealer.sealString(CONTENT, "day two again");
      assertThat(f.subjectKeys.versionCount(subject)).isEqualTo(2);

      // Another instance (fresh cache) opens both days' fields.
      try (CryptoFixture other = f.reopen()) {
        Sealer otherSealer = other.subjectKeys.sealer(subject);
        assertThat(otherSealer.openString(CONTENT, day1)).isEqualTo("day one");
        assertThat(otherSealer.openString(CONTENT, day2)).isEqualTo("day two");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void destroyingTheSubjectKeyMakesEverythingUnreadableAtOnce(TestBackend backend) throws Exception {
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID subject = newSubject(f);
      byte[] sealed = f.subjectKeys.sealer(subject).sealString(CONTENT, "soon gone");
      boolean destroyed = f.database.jdbi().inTransaction(h -> f.subjectKeys.destroy(h, subject));

      assertThat(destroyed).isTrue();
      assertThat(f.subjectKeys.exists(subject)).isFalse();
      assertThatThrownBy(() -> f.subjectKeys.sealer(subject).open(CONTENT, sealed)).isInstanceOf(CannotOpenException.class);
      try (CryptoFixture other = f.reopen()) {
        assertThatThrownBy(() -> other.subjectKeys.sealer(subject).open(CONTENT, sealed)).isInstanceOf(CannotOpenException.class);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void subjectKeysAreStoredOnlyWrapped(TestBackend backend) throws Exception {
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID subject = newSubject(f);
      byte[] wrapped = f.database.jdbi().withHandle(h -> h.createQuery(
              "SELECT wrapped_keyset FROM subject_keys WHERE subject_id = :s").bind("s", subject).mapTo(byte[].class).one());
      // A wrapped keyset does not parse as a cleartext Tink keyset.
      assertThatThrownBy(() -> com.google.crypto.tink.TinkProtoKeysetFormat.parseKeyset(wrapped,
          com.google.crypto.tink.InsecureSecretKeyAccess.get())).isInstanceOf(Exception.class);
      // And it is bound to its subject: moved to another subject's row it does not unwrap.
      UUID other = newSubject(f);
      f.database.jdbi().useHandle(h -> h.createUpdate("UPDATE subject_keys SET wrapped_keyset = :w WHERE subject_id = :s")
          .bind("w", wrapped).bind("s", other).execute());
      try (CryptoFixture fresh = f.reopen()) {
        assertThatThrownBy(() -> fresh.subjectKeys.sealer(other).sealString(CONTENT, "x")).isInstanceOf(CannotOpenException.class);
      }
    }
  }
}
