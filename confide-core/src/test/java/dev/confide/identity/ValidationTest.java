package dev.confide.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.problem.Problem;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import java.time.LocalDate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "@example.com", "a@b", "a@@example.com", "a b@example.com", "a@example..com",
      "a@.example.com", "a@example.com.", "<a@example.com>"})
  void invalidEmailsAreRefused(String email) {
    assertThatThrownBy(() -> EmailAddress.normalize(email))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_email"));
  }

  @Test
  void emailsAreNormalizedForTheBlindIndex() {
    assertThat(EmailAddress.normalize("  Ada.Lovelace@Example.COM ")).isEqualTo("ada.lovelace@example.com");
    assertThat(EmailAddress.normalize("jos\u0065\u0301@example.com")).isEqualTo("jos\u00e9@example.com");
    assertThat(EmailAddress.normalize("мария@пример.рф")).isEqualTo("мария@пример.рф");
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "1234567890", "password123", "aaaaaaaaaaaaaaa", "ada.lovelace-secret"})
  void weakPasswordsAreRefusedWithAReason(String password) {
    assertThatThrownBy(() -> PasswordPolicy.check(password.toCharArray(), "ada.lovelace@example.com"))
        .isInstanceOfSatisfying(Problem.class, p -> {
          assertThat(p.code()).isEqualTo("weak_password");
          assertThat(p.getMessage()).isNotBlank();
        });
  }

  @Test
  void aLongPassphraseIsAccepted() {
    PasswordPolicy.check("correct horse battery staple".toCharArray(), "ada@example.com");
  }

  @Test
  void argon2idHashesVerifyAndCarryTheirParameters() {
    PasswordHasher hasher = new PasswordHasher(IdentityFixture.FAST_HASH);
    String hash = hasher.hash("correct horse battery".toCharArray());
    assertThat(hash).startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
    assertThat(hasher.verify("correct horse battery".toCharArray(), hash)).isTrue();
    assertThat(hasher.verify("correct horse batterz".toCharArray(), hash)).isFalse();
    assertThat(hasher.hash("correct horse battery".toCharArray())).as("salted").isNotEqualTo(hash);
    assertThat(hasher.verify("x".toCharArray(), "$argon2id$garbage")).isFalse();
    assertThat(new PasswordHasher(new PasswordHasher.Settings(9216, 1, 1)).needsRehash(hash)).isTrue();
    assertThat(hasher.needsRehash(hash)).isFalse();
  }

  @Tag("P34")
  @Test
  void theAgeGateCountsABirthdayOnlyOnceItHasArrivedEverywhere() {
    MutableClock clock = MutableClock.at("2026-11-01T13:00:00Z"); // already Nov 1 in UTC-12
    AgeGate gate = new AgeGate(13, clock);
    gate.check(LocalDate.of(2013, 11, 1));
    assertThatThrownBy(() -> gate.check(LocalDate.of(2013, 11, 2)))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("underage"));
    MutableClock early = MutableClock.at("2026-11-01T11:00:00Z"); // still Oct 31 in UTC-12
    assertThatThrownBy(() -> new AgeGate(13, early).check(LocalDate.of(2013, 11, 1)))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("underage"));
    assertThatThrownBy(() -> gate.check(LocalDate.of(2030, 1, 1)))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_birth_date"));
    assertThatThrownBy(() -> gate.check(LocalDate.of(1800, 1, 1)))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_birth_date"));
  }
}
