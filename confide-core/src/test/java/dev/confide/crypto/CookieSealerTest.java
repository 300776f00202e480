package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P19")
class CookieSealerTest {
  @TempDir Path tmp;

  private static final byte[] PAYLOAD = "session-id-and-csrf".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void todaysAndYesterdaysCookiesOpenOlderOnesDoNot(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T09:00:00Z");
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, clock)) {
      clock.advance(Duration.ofDays(1)); // the keyring's first key is from "yesterday": forces a rotation
      String dayOne = f.cookieSealer.seal(PAYLOAD);
      assertThat(f.cookieSealer.open(dayOne)).hasValue(PAYLOAD);
      int dayOneKey = f.cookieKeys.primaryKeyId();

      clock.advance(Duration.ofDays(1));
      String dayTwo = f.cookieSealer.seal(PAYLOAD);
      assertThat(f.cookieKeys.primaryKeyId()).as("a new key every day").isNotEqualTo(dayOneKey);
      assertThat(f.cookieSealer.open(dayOne)).as("yesterday's cookie opens").hasValue(PAYLOAD);
      assertThat(f.cookieSealer.isFromBeforeToday(dayOne)).isTrue();
      assertThat(f.cookieSealer.isFromBeforeToday(dayTwo)).isFalse();

      clock.advance(Duration.ofDays(1));
      f.cookieSealer.rotateIfDue();
      assertThat(f.cookieSealer.open(dayOne)).as("two days old").isEmpty();
      assertThat(f.cookieKeys.liveKeys()).as("only today's and yesterday's keys are kept").hasSize(2)
          .doesNotContainKey(dayOneKey);
      assertThat(f.cookieSealer.open(dayTwo)).hasValue(PAYLOAD);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aTwoDayOldCookieIsRefusedEvenWhileItsKeyStillExists(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T09:00:00Z");
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, clock)) {
      String token = f.cookieSealer.seal(PAYLOAD);
      clock.advance(Duration.ofDays(2)); // nobody sealed anything since: no rotation has happened
      assertThat(f.cookieSealer.open(token)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void everyTamperedBitIsRefused(TestBackend backend) throws Exception {
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T09:00:00Z"))) {
      String token = f.cookieSealer.seal(PAYLOAD);
      byte[] raw = Base64.getUrlDecoder().decode(token);
      for (int bit = 0; bit < raw.length * 8; bit++) {
        byte[] tampered = raw.clone();
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
        assertThat(f.cookieSealer.open(forged)).as("bit %d flipped", bit).isEmpty();
      }
      assertThat(f.cookieSealer.open("")).isEmpty();
      assertThat(f.cookieSealer.open("not base64 at all!")).isEmpty();
      assertThat(f.cookieSealer.open("AAAA")).isEmpty();
      assertThat(f.cookieSealer.open("A".repeat(10_000))).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aCookieSealedByOneInstanceOpensOnAnother(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T09:00:00Z");
    try (CryptoFixture a = CryptoFixture.open(backend, tmp, clock); CryptoFixture b = a.reopen()) {
      clock.advance(Duration.ofDays(1));
      String token = a.cookieSealer.seal(PAYLOAD); // a rotates; b still holds the old keyring
      assertThat(b.cookieSealer.open(token)).hasValue(PAYLOAD);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aStaleInstanceSealingAtMidnightNeitherAddsAKeyNorDestroysTodays(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T09:00:00Z");
    try (CryptoFixture a = CryptoFixture.open(backend, tmp, clock); CryptoFixture b = a.reopen()) {
      String yesterday = b.cookieSealer.seal(PAYLOAD);
      clock.advance(Duration.ofDays(1));
      String fromA = a.cookieSealer.seal(PAYLOAD); // a rotates first
      String fromB = b.cookieSealer.seal(PAYLOAD); // b's copy of the keyring is still yesterday's
      a.cookieKeys.reloadIfChanged();
      assertThat(b.cookieKeys.liveKeys()).as("one key for today, one for yesterday").hasSize(2);
      assertThat(a.cookieKeys.liveKeys()).isEqualTo(b.cookieKeys.liveKeys());
      for (CryptoFixture instance : java.util.List.of(a, b)) {
        assertThat(instance.cookieSealer.open(fromA)).hasValue(PAYLOAD);
        assertThat(instance.cookieSealer.open(fromB)).hasValue(PAYLOAD);
        assertThat(instance.cookieSealer.open(yesterday)).hasValue(PAYLOAD);
      }
    }
  }
}
