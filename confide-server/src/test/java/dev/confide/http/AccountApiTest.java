package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.Mailbox;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.net.HttpCookie;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccountApiTest {
  @TempDir Path tmp;

  private static final String PASSWORD = "a long passphrase 42";

  @Tag("P01")
  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void signUpLogsInAndTheProfileCanBeReadAndCorrected(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      Response signUp = ada.signUp("Ada Lovelace", "Ada@Example.com", PASSWORD, "1990-12-10");
      assertThat(signUp.status()).isEqualTo(201);
      assertThat(signUp.json().get("csrfToken").asText()).hasSizeGreaterThan(20);

      Response me = ada.get("/api/me");
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.json().get("name").asText()).isEqualTo("Ada Lovelace");
      assertThat(me.json().get("email").asText()).isEqualTo("ada@example.com");

      Response corrected = ada.patch("/api/me", Map.of("name", "Ada King", "company", "Analytical Engines", "role", "Countess",
          "preferences", Map.of("theme", "dark", "compact", true)));
      assertThat(corrected.status()).isEqualTo(200);
      assertThat(ada.get("/api/me").json().get("name").asText()).isEqualTo("Ada King");
      assertThat(ada.get("/api/me").json().get("company").asText()).isEqualTo("Analytical Engines");
      assertThat(ada.get("/api/me").json().at("/preferences/compact").asBoolean()).isTrue();

      Response cleared = ada.patch("/api/me", java.util.Collections.singletonMap("company", null));
      assertThat(cleared.status()).isEqualTo(200);
      assertThat(cleared.json().get("company").isNull()).isTrue();

      Response changed = ada.patch("/api/me", Map.of("email", "ada.king@example.com"));
      assertThat(changed.status()).isEqualTo(200);
      assertThat(changed.json().get("pendingEmail").asText()).as("in force once its code comes back").isEqualTo("ada.king@example.com");
      assertThat(server.client().logIn("ada.king@example.com", PASSWORD).status()).isEqualTo(401);
      String code = new Mailbox(server).verificationCode(UUID.fromString(signUp.json().get("id").asText()), "ada.king@example.com");
      assertThat(ada.post("/api/me/email/verify", Map.of("code", code)).status()).isEqualTo(200);
      ApiClient again = server.client();
      assertThat(again.logIn("ada.king@example.com", PASSWORD).status()).isEqualTo(200);
      assertThat(again.get("/api/me").json().get("name").asText()).isEqualTo("Ada King");
      assertThat(server.client().logIn("ada@example.com", PASSWORD).status()).isEqualTo(401);
    }
  }

  @Tag("P01")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void duplicateEmailIsAConflictAndWrongPasswordIsUnauthorized(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      assertThat(server.client().signUp("First", "dup@example.com", PASSWORD, "1990-01-01").status()).isEqualTo(201);
      Response duplicate = server.client().signUp("Second", "DUP@example.com", PASSWORD, "1990-01-01");
      assertThat(duplicate.status()).isEqualTo(409);
      assertThat(duplicate.errorCode()).isEqualTo("email_taken");
      Response wrong = server.client().logIn("dup@example.com", "not the passphrase");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");
      Response unknown = server.client().logIn("nobody@example.com", PASSWORD);
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(unknown.json()).as("unknown and wrong look the same").isEqualTo(wrong.json());
    }
  }

  @Tag("P34")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void underThirteenGets422AndNothingIsStored(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      // The test clock stands at 2026-11-02T10:00Z, still 2026-11-01 in UTC-12.
      Response child = server.client().signUp("Young Person", "young@example.com", PASSWORD, "2013-11-02");
      assertThat(child.status()).isEqualTo(422);
      assertThat(child.errorCode()).isEqualTo("underage");
      assertThat(child.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(server.confide.accounts.count()).isZero();
      assertThat(server.confide.subjectKeys.countByKeyEncryptionKey()).isEmpty();
      assertThat(server.client().signUp("Young Person", "young@example.com", PASSWORD, "2013-11-01").status())
          .as("thirteen today everywhere").isEqualTo(201);
    }
  }

  @Tag("P19")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theSessionCookieIsSealedHttpOnlyLaxAndDiesOnLogOut(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      Response signUp = ada.signUp("Ada", "cookie@example.com", PASSWORD, "1990-01-01");
      String setCookie = signUp.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).startsWith("confide_session=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/")
          .doesNotContain("cookie@example.com");
      String value = cookie(ada).getValue();
      assertThat(value).doesNotContain(signUp.json().get("id").asText());

      // A copied cookie works in another client (it is a bearer token) until log-out revokes it server-side.
      ApiClient thief = server.client();
      thief.cookies().getCookieStore().add(java.net.URI.create(server.baseUrl()), cookie(ada));
      assertThat(thief.get("/api/me").status()).isEqualTo(200);
      assertThat(ada.post("/api/auth/logout", null).status()).isEqualTo(204);
      assertThat(thief.get("/api/me").status()).isEqualTo(401);
      assertThat(ada.get("/api/me").status()).isEqualTo(401);
    }
  }

  @Tag("P19")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void yesterdaysCookieIsResealedTwoDayOldOrTamperedCookiesAreRefused(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "days@example.com", PASSWORD, "1990-01-01");
      HttpCookie dayOne = cookie(ada);

      server.clock.advance(Duration.ofDays(1));
      Response nextDay = ada.get("/api/me");
      assertThat(nextDay.status()).as("yesterday's cookie opens").isEqualTo(200);
      assertThat(nextDay.headers().firstValue("Set-Cookie")).as("re-sealed with today's key").isPresent();
      assertThat(cookie(ada).getValue()).isNotEqualTo(dayOne.getValue());

      server.clock.advance(Duration.ofDays(1));
      ApiClient stale = server.client();
      stale.cookies().getCookieStore().add(java.net.URI.create(server.baseUrl()), dayOne);
      assertThat(stale.get("/api/me").status()).as("two days old").isEqualTo(401);
      assertThat(ada.get("/api/me").status()).as("the re-sealed cookie is one day old").isEqualTo(200);

      ApiClient forger = server.client();
      String value = cookie(ada).getValue();
      char last = value.charAt(value.length() - 2);
      HttpCookie tampered = new HttpCookie(dayOne.getName(), value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A') + value.charAt(value.length() - 1));
      tampered.setPath("/");
      forger.cookies().getCookieStore().add(java.net.URI.create(server.baseUrl()), tampered);
      assertThat(forger.get("/api/me").status()).isEqualTo(401);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void stateChangesWithACookieNeedTheCsrfToken(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "csrf@example.com", PASSWORD, "1990-01-01");
      String token = ada.csrfToken();
      ada.withCsrf(null);
      Response missing = ada.patch("/api/me", Map.of("name", "Mallory"));
      assertThat(missing.status()).isEqualTo(403);
      assertThat(missing.errorCode()).isEqualTo("csrf_failed");
      assertThat(ada.withCsrf("forged-token").post("/api/keys", Map.of()).status()).isEqualTo(403);
      assertThat(ada.withCsrf(null).get("/api/me").json().get("name").asText()).as("reads need no token").isEqualTo("Ada");
      assertThat(ada.withCsrf(token).patch("/api/me", Map.of("name", "Ada B")).status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void apiKeysAreShownOnceWorkAsBearerAndCanBeRevoked(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "keys@example.com", PASSWORD, "1990-01-01");
      Response created = ada.post("/api/keys", Map.of("name", "laptop"));
      assertThat(created.status()).isEqualTo(201);
      String id = created.json().get("id").asText();
      String secret = created.json().get("secret").asText();
      assertThat(secret).startsWith("cfd_");

      Response listed = ada.get("/api/keys");
      assertThat(listed.json().get("data")).hasSize(1);
      assertThat(listed.text()).doesNotContain(secret).contains("laptop");

      ApiClient bearer = server.client().withBearer(secret);
      assertThat(bearer.get("/api/me").json().get("email").asText()).isEqualTo("keys@example.com");
      assertThat(bearer.patch("/api/me", Map.of("role", "Engineer")).status()).as("no CSRF for API keys").isEqualTo(200);
      Response mint = bearer.post("/api/keys", Map.of());
      assertThat(mint.status()).as("a key cannot mint keys").isEqualTo(403);
      assertThat(mint.errorCode()).isEqualTo("session_required");
      Response takeover = bearer.patch("/api/me", Map.of("email", "attacker@example.com"));
      assertThat(takeover.status()).as("a key cannot move the account to another address").isEqualTo(403);
      assertThat(takeover.errorCode()).isEqualTo("session_required");
      assertThat(ada.get("/api/me").json().get("email").asText()).isEqualTo("keys@example.com");

      ApiClient mallory = server.client();
      mallory.signUp("Mallory", "mallory@example.com", PASSWORD, "1990-01-01");
      Response foreign = mallory.delete("/api/keys/" + id);
      assertThat(foreign.status()).as("another subject's key is not found, not forbidden").isEqualTo(404);
      assertThat(mallory.delete("/api/keys/not-a-uuid").status()).isEqualTo(404);
      assertThat(bearer.get("/api/me").status()).isEqualTo(200);

      assertThat(ada.delete("/api/keys/" + id).status()).isEqualTo(204);
      Response revoked = bearer.get("/api/me");
      assertThat(revoked.status()).isEqualTo(401);
      assertThat(revoked.errorCode()).isEqualTo("unauthenticated");
      assertThat(server.client().withBearer("cfd_made-up").get("/api/me").status()).isEqualTo(401);
      assertThat(server.client().send("GET", "/api/me", null, Map.of("Authorization", "Basic abc")).status()).isEqualTo(401);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void logInIsRateLimitedPerAccount(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp, "loginLimits: {perAccountPerMinute: 3, perIpPerMinute: 100}\n", false)) {
      server.client().signUp("Ada", "limited@example.com", PASSWORD, "1990-01-01");
      ApiClient attacker = server.client();
      for (int i = 0; i < 3; i++) {
        assertThat(attacker.logIn("limited@example.com", "guess number " + i).status()).isEqualTo(401);
      }
      Response limited = attacker.logIn("limited@example.com", PASSWORD);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.errorCode()).isEqualTo("rate_limited");
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertThat(server.client().logIn("other@example.com", "whatever pass").status()).as("other accounts unaffected").isEqualTo(401);
    }
  }

  private static HttpCookie cookie(ApiClient client) {
    List<HttpCookie> cookies = client.cookies().getCookieStore().getCookies();
    return cookies.stream().filter(c -> c.getName().equals("confide_session")).findFirst().orElseThrow();
  }
}
