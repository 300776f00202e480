package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.identity.Totp;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P21")
class StaffSignInTest {
  @TempDir Path tmp;

  @Tag("P22")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffSignInNeedsTotpAndAFreshPasswordAndIsSeparateFromEndUsers(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      StaffDirectory.Enrolled enrolled = server.confide.staff.createWithOneTimePassword("Sam Security", "sam@confide.test",
          EnumSet.of(StaffRole.SECURITY));
      String code = Totp.codeAt(enrolled.totpSecret(), server.clock.instant());

      ApiClient sam = server.client();
      Response wrongCode = sam.staffLogIn("sam@confide.test", enrolled.oneTimePassword(), "000000".equals(code) ? "111111" : "000000");
      assertThat(wrongCode.status()).isEqualTo(401);
      assertThat(wrongCode.errorCode()).isEqualTo("invalid_credentials");
      assertThat(server.client().staffLogIn("nobody@confide.test", "whatever it is", code).errorCode()).isEqualTo("invalid_credentials");
      var failed = server.confide.auditLog.list(new dev.confide.audit.AuditFilter(null, null,
          dev.confide.audit.AuditActions.STAFF_LOGIN_FAILED, null, null, null, 10)).entries();
      assertThat(failed).as("a failed sign-in to a real staff account is on record, against that account").singleElement()
          .satisfies(e -> assertThat(e.actor()).isEqualTo(dev.confide.audit.Actor.staff(enrolled.id())));

      Response login = sam.staffLogIn("sam@confide.test", enrolled.oneTimePassword(), code);
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.json().get("passwordChangeRequired").asBoolean()).isTrue();
      assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("confide_staff=").contains("HttpOnly"));

      Response blocked = sam.get("/api/admin/me");
      assertThat(blocked.status()).isEqualTo(403);
      assertThat(blocked.errorCode()).isEqualTo("password_change_required");

      Response noCsrf = server.client().post("/api/admin/password", Map.of("currentPassword", "x", "newPassword", "y"));
      assertThat(noCsrf.status()).as("no staff cookie").isEqualTo(401);
      Response changed = sam.post("/api/admin/password",
          Map.of("currentPassword", enrolled.oneTimePassword(), "newPassword", "sam's new staff passphrase"));
      assertThat(changed.status()).isEqualTo(204);
      Response me = sam.get("/api/admin/me");
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.json().get("roles").get(0).asText()).isEqualTo("security");

      assertThat(sam.get("/api/me").status()).as("a staff cookie is not an end-user session").isEqualTo(401);
      ApiClient user = server.client();
      assertThat(user.signUp("Una User", "una@example.com", "a long passphrase 42", "1990-01-01").status()).isEqualTo(201);
      assertThat(user.get("/api/admin/me").status()).as("an end-user session is not a staff session").isEqualTo(401);

      sam.withCsrf("forged");
      assertThat(sam.post("/api/admin/logout", null).status()).as("state changes need the staff CSRF token").isEqualTo(403);

      server.clock.advance(Duration.ofHours(9));
      assertThat(sam.get("/api/admin/me").status()).as("staff sessions are short").isEqualTo(401);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aPasswordChangeEndsTheOtherSessionsAndWrongGuessesAreThrottled(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      StaffDirectory.Enrolled enrolled = server.confide.staff.createWithOneTimePassword("Pat Privacy", "pat@confide.test",
          EnumSet.of(StaffRole.PRIVACY_OFFICER));
      ApiClient first = server.client();
      first.staffLogIn("pat@confide.test", enrolled.oneTimePassword(), Totp.codeAt(enrolled.totpSecret(), server.clock.instant()));
      assertThat(first.post("/api/admin/password", Map.of("currentPassword", enrolled.oneTimePassword(),
          "newPassword", "pat's first staff passphrase")).status()).isEqualTo(204);
      server.clock.advance(Duration.ofSeconds(31)); // the next TOTP step: a code is accepted once
      ApiClient second = server.client();
      assertThat(second.staffLogIn("pat@confide.test", "pat's first staff passphrase",
          Totp.codeAt(enrolled.totpSecret(), server.clock.instant())).status()).isEqualTo(200);
      assertThat(second.get("/api/admin/me").status()).isEqualTo(200);

      assertThat(first.post("/api/admin/password", Map.of("currentPassword", "pat's first staff passphrase",
          "newPassword", "pat's second staff passphrase")).status()).isEqualTo(204);
      assertThat(first.get("/api/admin/me").status()).as("the session that changed it stays").isEqualTo(200);
      assertThat(second.get("/api/admin/me").status()).as("every other session ends").isEqualTo(401);

      int refused = 0;
      for (int i = 0; i < 30 && refused == 0; i++) {
        Response guess = first.post("/api/admin/password", Map.of("currentPassword", "guess " + i, "newPassword", "whatever passphrase 1"));
        if (guess.status() == 429) {
          refused++;
          assertThat(guess.errorCode()).isEqualTo("rate_limited");
        } else {
          assertThat(guess.errorCode()).isEqualTo("wrong_password");
        }
      }
      assertThat(refused).as("guessing the current password is throttled").isEqualTo(1);
    }
  }
}
