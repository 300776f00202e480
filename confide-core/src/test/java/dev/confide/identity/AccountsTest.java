package dev.confide.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.problem.Problem;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccountsTest {
  @TempDir Path tmp;

  private static final String PASSWORD = "a long passphrase 42";

  private static NewAccount account(String name, String email, LocalDate birthDate) {
    return new NewAccount(name, email, PASSWORD.toCharArray(), birthDate);
  }

  @Tag("P01")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void accountDataIsSealedAtRestAndTheEmailIsFoundByBlindIndex(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID subject = f.accounts.signUp(account("Zelda Canarywright", "Zelda.Canary@Example.com", LocalDate.of(1990, 5, 17)));
      f.accounts.correct(subject, new ProfileChanges(Optional.empty(),
          Optional.of(Optional.of("Canary Corp")), Optional.of(Optional.of("Canary Officer")),
          Optional.of(Map.of("theme", "canary-dark"))));

      List<Map<String, Object>> rows = f.crypto.database.jdbi().withHandle(h ->
          h.createQuery("SELECT * FROM accounts").mapToMap().list());
      assertThat(rows).hasSize(1);
      StringBuilder everything = new StringBuilder();
      rows.get(0).values().forEach(v -> everything.append(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v)));
      assertThat(everything.toString().toLowerCase())
          .doesNotContain("zelda").doesNotContain("canary").doesNotContain("example.com").doesNotContain(PASSWORD)
          .contains("$argon2id$v=19$");
      assertThat(rows.get(0)).doesNotContainKeys("email", "name", "birth_date", "card_number");

      Profile profile = f.accounts.profile(subject).orElseThrow();
      assertThat(profile.name()).isEqualTo("Zelda Canarywright");
      assertThat(profile.email()).isEqualTo("zelda.canary@example.com");
      assertThat(profile.company()).isEqualTo("Canary Corp");
      assertThat(profile.preferences()).containsEntry("theme", "canary-dark");
      assertThat(f.accounts.authenticate("  ZELDA.canary@example.com ", PASSWORD.toCharArray())).hasValue(subject);
      assertThat(f.accounts.authenticate("zelda.canary@example.com", "wrong password!".toCharArray())).isEmpty();
      assertThat(f.accounts.authenticate("nobody@example.com", PASSWORD.toCharArray())).isEmpty();
    }
  }

  @Tag("P01")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aDuplicateEmailIsAConflictAndLeavesNothingHalfWritten(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      f.accounts.signUp(account("First", "same@example.com", LocalDate.of(1990, 1, 1)));
      assertThatThrownBy(() -> f.accounts.signUp(account("Second", "SAME@example.com", LocalDate.of(1991, 1, 1))))
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.code()).isEqualTo("email_taken");
            assertThat(p.kind()).isEqualTo(Problem.Kind.CONFLICT);
          });
      long keys = f.crypto.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM subject_keys").mapTo(Long.class).one());
      assertThat(keys).as("the refused sign-up's subject key was rolled back with it").isEqualTo(1);
      assertThat(f.accounts.count()).isEqualTo(1);
    }
  }

  @Tag("P34")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void underThirteenIsRefusedAndNothingAboutThePersonIsStored(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, clock)) {
      LocalDate twelve = LocalDate.of(2013, 11, 2); // turns 13 tomorrow
      assertThatThrownBy(() -> f.accounts.signUp(account("Young Canary", "kid@example.com", twelve)))
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.code()).isEqualTo("underage");
            assertThat(p.kind()).isEqualTo(Problem.Kind.UNPROCESSABLE);
          });
      long rows = f.crypto.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM subject_keys)").mapTo(Long.class).one());
      assertThat(rows).isZero();

      UUID thirteen = f.accounts.signUp(account("Just Thirteen", "teen@example.com", LocalDate.of(2013, 10, 31)));
      assertThat(thirteen).isNotNull();
    }
  }

  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void correctionChangesTheProfileButNeverTheEmail(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, clock)) {
      UUID subject = f.accounts.signUp(account("Old Name", "old@example.com", LocalDate.of(1980, 1, 1)));
      Profile corrected = f.accounts.correct(subject, new ProfileChanges(Optional.of("New Name"),
          Optional.of(Optional.of("ACME")), Optional.empty(), Optional.empty()));
      assertThat(corrected.name()).isEqualTo("New Name");
      assertThat(corrected.email()).as("an address changes only through its verification").isEqualTo("old@example.com");
      assertThat(corrected.isEmailVerified()).as("accounts made without the sign-up flow stay unverified").isFalse();
      assertThat(f.accounts.profile(subject).orElseThrow().company()).isEqualTo("ACME");
      assertThat(f.accounts.authenticate("old@example.com", PASSWORD.toCharArray())).hasValue(subject);

      f.accounts.correct(subject, new ProfileChanges(Optional.empty(),
          Optional.of(Optional.empty()), Optional.empty(), Optional.empty()));
      assertThat(f.accounts.profile(subject).orElseThrow().company()).as("cleared").isNull();

      assertThatThrownBy(() -> f.accounts.correct(subject, new ProfileChanges(Optional.of("  "),
          Optional.empty(), Optional.empty(), Optional.empty())))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_name"));
      assertThat(f.accounts.profile(subject).orElseThrow().name()).as("a refused correction changes nothing").isEqualTo("New Name");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void sessionsAndApiKeysAreRevocable(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, clock)) {
      UUID subject = f.accounts.signUp(account("Key Holder", "keys@example.com", LocalDate.of(1980, 1, 1)));
      UUID other = f.accounts.signUp(account("Someone Else", "else@example.com", LocalDate.of(1980, 1, 1)));
      Sessions.Opened session = f.sessions.open(subject);
      assertThat(f.sessions.resolve(session.sessionId())).hasValue(subject);
      f.sessions.revoke(session.sessionId());
      assertThat(f.sessions.resolve(session.sessionId())).isEmpty();
      Sessions.Opened expiring = f.sessions.open(subject);
      clock.advance(java.time.Duration.ofDays(31));
      assertThat(f.sessions.resolve(expiring.sessionId())).isEmpty();

      ApiKeys.Created key = f.apiKeys.create(subject, "laptop");
      assertThat(key.secret()).startsWith("cfd_").hasSizeGreaterThan(40);
      assertThat(f.apiKeys.authenticate(key.secret())).hasValueSatisfying(p -> assertThat(p.subject()).isEqualTo(subject));
      String stored = f.crypto.database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_keys").mapToMap().list().toString());
      assertThat(stored).doesNotContain(key.secret().substring(10));
      assertThat(f.apiKeys.list(subject)).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo("laptop"));
      assertThatThrownBy(() -> f.apiKeys.revoke(other, key.id())).as("not theirs")
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_FOUND));
      f.apiKeys.revoke(subject, key.id());
      assertThat(f.apiKeys.authenticate(key.secret())).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void apiKeyLastUseIsWrittenAtMostOncePerMinuteWhileRevocationTakesEffectAtOnce(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, clock)) {
      UUID subject = f.accounts.signUp(account("Key User", "keys@example.com", LocalDate.of(1990, 5, 17)));
      ApiKeys.Created key = f.apiKeys.create(subject, null);
      assertThat(f.apiKeys.authenticate(key.secret())).isPresent();
      assertThat(lastUsed(f, subject)).isEqualTo(clock.instant());

      // Within the minute a request writes nothing: a column cleared behind the service's back stays clear.
      f.crypto.database.jdbi().useHandle(h -> h.execute("UPDATE api_keys SET last_used_at = NULL"));
      clock.advance(java.time.Duration.ofSeconds(59));
      assertThat(f.apiKeys.authenticate(key.secret())).isPresent();
      assertThat(lastUsed(f, subject)).isNull();
      clock.advance(java.time.Duration.ofSeconds(2));
      assertThat(f.apiKeys.authenticate(key.secret())).isPresent();
      assertThat(lastUsed(f, subject)).isEqualTo(clock.instant());

      // The look-up itself is never cached: revoked here, or by another instance straight in the
      // database, the key stops working on the very next request.
      f.apiKeys.revoke(subject, key.id());
      assertThat(f.apiKeys.authenticate(key.secret())).isEmpty();
      ApiKeys.Created other = f.apiKeys.create(subject, null);
      assertThat(f.apiKeys.authenticate(other.secret())).isPresent();
      f.crypto.database.jdbi().useHandle(h -> h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE key_id = :id")
          .bind("now", clock.instant()).bind("id", other.id()).execute());
      assertThat(f.apiKeys.authenticate(other.secret())).isEmpty();
    }
  }

  private static java.time.Instant lastUsed(IdentityFixture f, UUID subject) {
    return f.apiKeys.list(subject).stream().filter(i -> i.revokedAt() == null).findFirst().orElseThrow().lastUsedAt();
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffMembersHaveRolesAndSealedDetails(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID admin = f.staff.create("Grace Admin", "grace@confide.test", "staff passphrase 99".toCharArray(),
          java.util.EnumSet.of(StaffRole.ADMIN)).id();
      assertThat(f.staff.list()).singleElement().satisfies(m -> {
        assertThat(m.id()).isEqualTo(admin);
        assertThat(m.roles()).containsExactly(StaffRole.ADMIN);
      });
      String stored = f.crypto.database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM staff_members").mapToMap().list().toString());
      assertThat(stored).doesNotContain("Grace").doesNotContain("grace@");
      assertThat(stored).as("the TOTP secret is sealed").doesNotContain(
          f.staff.createWithOneTimePassword("Tom", "tom@confide.test", java.util.EnumSet.of(StaffRole.SUPPORT)).totpSecret());
      assertThatThrownBy(() -> f.staff.create("Again", "GRACE@confide.test", "staff passphrase 99".toCharArray(),
          java.util.EnumSet.of(StaffRole.SUPPORT))).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("email_taken"));
    }
  }

  @Tag("P21")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffSignInNeedsPasswordAndAFreshTotpCodeAndAOneTimePasswordMustBeChanged(TestBackend backend) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, clock)) {
      StaffDirectory.Enrolled enrolled = f.staff.createWithOneTimePassword("Pat Privacy", "pat@confide.test",
          java.util.EnumSet.of(StaffRole.PRIVACY_OFFICER, StaffRole.SUPPORT));
      assertThat(enrolled.oneTimePassword()).hasSizeGreaterThanOrEqualTo(20);
      assertThat(enrolled.totpSecret()).matches("[A-Z2-7]{32}");
      char[] otp = enrolled.oneTimePassword().toCharArray();
      String code = Totp.codeAt(enrolled.totpSecret(), clock.instant());

      assertThat(f.staff.signIn("pat@confide.test", otp, "000000".equals(code) ? "111111" : "000000")).as("wrong code").isEmpty();
      assertThat(f.staff.signIn("pat@confide.test", "not the password".toCharArray(), code)).as("wrong password").isEmpty();
      assertThat(f.staff.signIn("nobody@confide.test", otp, code)).as("unknown staff").isEmpty();
      assertThat(f.staff.signIn("PAT@confide.test", otp, code)).hasValueSatisfying(s -> {
        assertThat(s.id()).isEqualTo(enrolled.id());
        assertThat(s.roles()).containsExactlyInAnyOrder(StaffRole.PRIVACY_OFFICER, StaffRole.SUPPORT);
        assertThat(s.passwordChangeRequired()).isTrue();
      });
      assertThat(f.staff.signIn("pat@confide.test", otp, code)).as("a code works once").isEmpty();

      clock.advance(java.time.Duration.ofSeconds(30));
      String next = Totp.codeAt(enrolled.totpSecret(), clock.instant());
      assertThatThrownBy(() -> f.staff.changePassword(enrolled.id(), "wrong".toCharArray(), "a new staff passphrase 7".toCharArray()))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("wrong_password"));
      f.staff.changePassword(enrolled.id(), otp, "a new staff passphrase 7".toCharArray());
      assertThat(f.staff.signIn("pat@confide.test", otp, next)).as("the one-time password is spent").isEmpty();
      assertThat(f.staff.signIn("pat@confide.test", "a new staff passphrase 7".toCharArray(), next))
          .hasValueSatisfying(s -> assertThat(s.passwordChangeRequired()).isFalse());

      clock.advance(java.time.Duration.ofMinutes(5));
      assertThat(f.staff.signIn("pat@confide.test", "a new staff passphrase 7".toCharArray(), next))
          .as("an old code is refused").isEmpty();
    }
  }
}
