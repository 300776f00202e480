package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.notify.MailKind;
import dev.confide.notify.MailStatus;
import dev.confide.notify.Outbox;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.Mailbox;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * E-mail ownership: a code mailed at sign-up and for an address change, read here from the mail the
 * server really sent (the .eml files of its outbox), and typed back through the API.
 */
class EmailVerificationTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = GatewayTest.PASSWORD;

  /** A person signed up through the API, with a mailbox of what the server sent them. */
  private record Person(ApiClient client, UUID subject, String email, Mailbox mailbox) {
    Response verify(String code) {
      return client.post("/api/me/email/verify", Map.of("code", code));
    }

    Response resend() {
      return client.post("/api/me/email/resend", null);
    }

    JsonNode me() {
      return client.get("/api/me").json();
    }
  }

  private static Person signUp(TestServer server, String name, String email) {
    ApiClient client = server.client();
    Response r = client.signUp(name, email, PASSWORD, "1990-01-01");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return new Person(client, UUID.fromString(r.json().get("id").asText()), email, new Mailbox(server));
  }

  /** Signed up and verified with the code from the sign-up mail. */
  private static Person verified(TestServer server, String name, String email) {
    Person p = signUp(server, name, email);
    assertThat(p.verify(p.mailbox().verificationCode(p.subject(), email)).status()).isEqualTo(200);
    return p;
  }

  /** Another eight digits than {@code code}. */
  private static String wrong(String code, int n) {
    String other = String.format("%08d", (Integer.parseInt(code) + 1 + n) % 100_000_000);
    return other.equals(code) ? String.format("%08d", (Integer.parseInt(code) + 2 + n) % 100_000_000) : other;
  }

  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void signUpMailsACodeThatVerifiesTheAddressOnce(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person ada = signUp(server, "Ada", "ada@example.com");
      JsonNode me = ada.me();
      assertThat(me.get("emailVerified").asBoolean()).isFalse();
      assertThat(me.get("emailVerifiedAt").isNull()).isTrue();
      assertThat(me.get("pendingEmail").isNull()).isTrue();

      assertThat(server.confide.outbox.history(ada.subject())).singleElement().satisfies(m -> {
        assertThat(m.template()).isEqualTo("email_verification");
        assertThat(m.kind()).as("a code always goes").isEqualTo(MailKind.LEGAL);
      });
      Mailbox.Mail mail = ada.mailbox().single(ada.subject(), "ada@example.com", "Confirm your e-mail address");
      assertThat(mail.body()).contains("valid for 24 hours");
      String code = mail.code();

      assertThat(ada.verify("12ab").errorCode()).as("not a code: no try spent").isEqualTo("invalid_code");
      assertThat(ada.verify("12ab").status()).isEqualTo(400);
      Response done = ada.verify(code);
      assertThat(done.status()).isEqualTo(200);
      assertThat(done.json().get("emailVerified").asBoolean()).isTrue();
      assertThat(Instant.parse(done.json().get("emailVerifiedAt").asText())).isEqualTo(server.clock.instant());
      assertThat(ada.me().get("emailVerified").asBoolean()).isTrue();

      Response again = ada.verify(code);
      assertThat(again.status()).as("a code works once").isEqualTo(409);
      assertThat(again.errorCode()).isEqualTo("already_verified");
      assertThat(ada.resend().errorCode()).as("nothing to send a code for").isEqualTo("already_verified");
      assertThat(ada.mailbox().newMail(ada.subject())).isEmpty();
      assertThat(rows(server, ada.subject())).as("nothing waits any more").isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void fiveWrongCodesVoidTheCode(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person bob = signUp(server, "Bob", "bob@example.com");
      String code = bob.mailbox().verificationCode(bob.subject(), "bob@example.com");
      for (int i = 0; i < 4; i++) {
        Response r = bob.verify(wrong(code, i));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("wrong_code");
      }
      Response fifth = bob.verify(wrong(code, 4));
      assertThat(fifth.status()).isEqualTo(403);
      assertThat(fifth.errorCode()).isEqualTo("verification_failed");
      Response late = bob.verify(code);
      assertThat(late.errorCode()).as("the right code no longer works").isEqualTo("no_code");
      assertThat(late.status()).isEqualTo(409);
      assertThat(bob.me().get("emailVerified").asBoolean()).isFalse();

      assertThat(bob.resend().status()).isEqualTo(204);
      String fresh = bob.mailbox().verificationCode(bob.subject(), "bob@example.com");
      assertThat(bob.verify(fresh).status()).as("a new code has five tries of its own").isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aCodeExpiresAfterADayAndANewOneReplacesIt(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person cy = signUp(server, "Cy", "cy@example.com");
      String first = cy.mailbox().verificationCode(cy.subject(), "cy@example.com");
      server.clock.advance(Duration.ofHours(24).plusSeconds(1));
      Response expired = cy.verify(first);
      assertThat(expired.status()).isEqualTo(403);
      assertThat(expired.errorCode()).isEqualTo("code_expired");
      assertThat(cy.me().get("emailVerified").asBoolean()).isFalse();

      assertThat(cy.resend().status()).isEqualTo(204);
      String second = cy.mailbox().verificationCode(cy.subject(), "cy@example.com");
      assertThat(cy.resend().status()).isEqualTo(204);
      String third = cy.mailbox().verificationCode(cy.subject(), "cy@example.com");
      if (!second.equals(third)) {
        assertThat(cy.verify(second).errorCode()).as("replaced by the newer code").isEqualTo("wrong_code");
      }
      server.clock.advance(Duration.ofHours(23));
      assertThat(cy.verify(third).status()).as("still within its 24 hours").isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void codesAreLimitedToAFewAnHour(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person dee = signUp(server, "Dee", "dee@example.com");
      for (int i = 1; i < 5; i++) {
        server.clock.advance(Duration.ofMinutes(5));
        assertThat(dee.resend().status()).as("code %d of the hour (the sign-up's was the first)", i + 1).isEqualTo(204);
      }
      Response limited = dee.resend();
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.errorCode()).isEqualTo("rate_limited");
      long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).as("the hour started at sign-up, 20 minutes ago").isBetween(39 * 60L, 40 * 60L + 1);
      Response change = dee.client().patch("/api/me", Map.of("email", "dee.new@example.com"));
      assertThat(change.status()).as("a change mails a code too, and counts").isEqualTo(429);
      assertThat(dee.me().get("pendingEmail").isNull()).isTrue();
      List<Mailbox.Mail> mails = dee.mailbox().newMail(dee.subject());
      assertThat(mails).hasSize(5).allSatisfy(m -> assertThat(m.subjectLine()).contains("Confirm your e-mail address"));

      server.clock.advance(Duration.ofSeconds(retryAfter));
      assertThat(dee.resend().status()).as("a new hour").isEqualTo(204);
      assertThat(dee.verify(dee.mailbox().verificationCode(dee.subject(), "dee@example.com")).status()).isEqualTo(200);
    }
  }

  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anAddressChangeWaitsForTheCodeFromTheNewAddressAndTellsTheOldOne(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person eve = verified(server, "Eve", "eve@example.com");
      Response patched = eve.client().patch("/api/me", Map.of("email", "Eve.New@Example.com", "name", "Eve Newname"));
      assertThat(patched.status()).isEqualTo(200);
      assertThat(patched.json().get("name").asText()).as("the other fields change at once").isEqualTo("Eve Newname");
      assertThat(patched.json().get("email").asText()).as("the address does not").isEqualTo("eve@example.com");
      assertThat(patched.json().get("pendingEmail").asText()).isEqualTo("eve.new@example.com");
      assertThat(patched.json().get("emailVerified").asBoolean()).as("the current address is still verified").isTrue();
      assertThat(eve.me().get("pendingEmail").asText()).isEqualTo("eve.new@example.com");

      List<Mailbox.Mail> mails = eve.mailbox().newMail(eve.subject());
      assertThat(mails).singleElement().satisfies(m -> assertThat(m.to()).isEqualTo("eve.new@example.com"));
      String code = mails.get(0).code();
      assertThat(server.client().logIn("eve.new@example.com", PASSWORD).status()).as("not in force yet").isEqualTo(401);
      assertThat(server.client().logIn("eve@example.com", PASSWORD).status()).isEqualTo(200);
      server.confide.outbox.enqueue(eve.subject(), MailKind.PRODUCT, "product_update", Map.of("title", "News", "message", "Hi"));
      assertThat(eve.mailbox().single(eve.subject(), "eve@example.com", "News").body()).as("mail still goes to the old address")
          .contains("Hi");

      Response done = eve.verify(code);
      assertThat(done.status()).isEqualTo(200);
      assertThat(done.json().get("email").asText()).isEqualTo("eve.new@example.com");
      assertThat(done.json().get("emailVerified").asBoolean()).isTrue();
      assertThat(done.json().get("pendingEmail").isNull()).isTrue();
      assertThat(server.client().logIn("eve.new@example.com", PASSWORD).status()).isEqualTo(200);
      assertThat(server.client().logIn("eve@example.com", PASSWORD).status()).isEqualTo(401);
      assertThat(server.confide.accounts.findByEmail("eve.new@example.com")).hasValue(eve.subject());

      List<Mailbox.Mail> after = eve.mailbox().newMail(eve.subject());
      assertThat(after).singleElement().satisfies(notice -> {
        assertThat(notice.to()).as("the old address is told").isEqualTo("eve@example.com");
        assertThat(notice.subjectLine()).contains("was changed");
        assertThat(notice.body()).as("without naming the new address").doesNotContain("eve.new");
      });
      assertThat(server.confide.outbox.history(eve.subject())).filteredOn(m -> m.template().equals("email_changed"))
          .singleElement().satisfies(m -> assertThat(m.kind()).isEqualTo(MailKind.LEGAL));
    }
  }

  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void changingBackToTheCurrentAddressTakesTheChangeBack(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person fay = verified(server, "Fay", "fay@example.com");
      assertThat(fay.client().patch("/api/me", Map.of("email", "fay.typo@exampel.com")).status()).isEqualTo(200);
      String code = fay.mailbox().verificationCode(fay.subject(), "fay.typo@exampel.com");
      Response back = fay.client().patch("/api/me", Map.of("email", "FAY@example.com"));
      assertThat(back.status()).isEqualTo(200);
      assertThat(back.json().get("pendingEmail").isNull()).isTrue();
      assertThat(fay.mailbox().newMail(fay.subject())).as("no code for the address already in use").isEmpty();
      assertThat(fay.verify(code).errorCode()).as("the typo's code no longer works").isEqualTo("already_verified");
      assertThat(fay.me().get("email").asText()).isEqualTo("fay@example.com");
    }
  }

  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aRefusedCorrectionRecordsNoChangeAndMailsNothing(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person gus = verified(server, "Gus", "gus@example.com");
      Response refused = gus.client().patch("/api/me", Map.of("email", "gus.new@example.com", "name", "  "));
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("invalid_name");
      assertThat(gus.me().get("pendingEmail").isNull()).as("one transaction: nothing of it stays").isTrue();
      assertThat(gus.mailbox().newMail(gus.subject())).isEmpty();
      assertThat(gus.client().patch("/api/me", Map.of("email", "not an address")).errorCode()).isEqualTo("invalid_email");
    }
  }

  @Tag("P24")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anAddressTakenMeanwhileIsAConflictWhenTheCodeComesBack(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person hal = verified(server, "Hal", "hal@example.com");
      Person ivy = verified(server, "Ivy", "ivy@example.com");
      Response taken = hal.client().patch("/api/me", Map.of("email", "ivy@example.com"));
      assertThat(taken.status()).as("taken when asked").isEqualTo(409);
      assertThat(taken.errorCode()).isEqualTo("email_taken");

      assertThat(hal.client().patch("/api/me", Map.of("email", "shared@example.com")).status()).isEqualTo(200);
      String code = hal.mailbox().verificationCode(hal.subject(), "shared@example.com");
      Person jo = signUp(server, "Jo", "shared@example.com");
      assertThat(jo.me().get("email").asText()).as("a pending change holds no address").isEqualTo("shared@example.com");

      Response race = hal.verify(code);
      assertThat(race.status()).isEqualTo(409);
      assertThat(race.errorCode()).isEqualTo("email_taken");
      JsonNode me = hal.me();
      assertThat(me.get("email").asText()).isEqualTo("hal@example.com");
      assertThat(me.get("emailVerified").asBoolean()).isTrue();
      assertThat(me.get("pendingEmail").isNull()).as("the change is void").isTrue();
      assertThat(hal.verify(code).errorCode()).isEqualTo("already_verified");
      assertThat(server.client().logIn("hal@example.com", PASSWORD).status()).isEqualTo(200);
      assertThat(hal.mailbox().newMail(hal.subject())).as("no change notice").isEmpty();
      assertThat(ivy.me().get("email").asText()).isEqualTo("ivy@example.com");
    }
  }

  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void productAndMarketingMailWaitForAVerifiedAddressLegalMailDoesNot(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person kim = signUp(server, "Kim", "kim@example.com");
      String code = kim.mailbox().verificationCode(kim.subject(), "kim@example.com");
      Map<MailKind, UUID> before = enqueueOneOfEach(server, kim.subject());
      assertThat(status(server, before.get(MailKind.PRODUCT))).isEqualTo(MailStatus.SUPPRESSED);
      assertThat(status(server, before.get(MailKind.MARKETING))).isEqualTo(MailStatus.SUPPRESSED);
      assertThat(status(server, before.get(MailKind.LEGAL))).isEqualTo(MailStatus.PENDING);
      assertThat(kim.mailbox().newMail(kim.subject())).as("only the legal mail arrives")
          .singleElement().satisfies(m -> assertThat(m.subjectLine()).isEqualTo("Legal"));

      assertThat(kim.verify(code).status()).isEqualTo(200);
      Map<MailKind, UUID> after = enqueueOneOfEach(server, kim.subject());
      assertThat(after.values()).allSatisfy(id -> assertThat(status(server, id)).isEqualTo(MailStatus.PENDING));
      assertThat(kim.mailbox().newMail(kim.subject())).extracting(Mailbox.Mail::subjectLine)
          .containsExactlyInAnyOrder("Legal", "Product", "Marketing");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anApiKeyCannotVerifyAnAddressOrAskForCodes(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person lu = signUp(server, "Lu", "lu@example.com");
      String code = lu.mailbox().verificationCode(lu.subject(), "lu@example.com");
      ApiClient key = server.client().withBearer(lu.client().post("/api/keys", Map.of()).json().get("secret").asText());
      for (Response r : List.of(key.post("/api/me/email/verify", Map.of("code", code)), key.post("/api/me/email/resend", null))) {
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("session_required");
      }
      assertThat(lu.me().get("emailVerified").asBoolean()).isFalse();
      assertThat(lu.mailbox().newMail(lu.subject())).isEmpty();
      assertThat(key.get("/api/me").json().get("emailVerified").asBoolean()).as("a key may read the state").isFalse();
      assertThat(lu.verify(code).status()).isEqualTo(200);
    }
  }

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void erasureRemovesTheWaitingCodeAndAddress(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person mo = verified(server, "Mo", "mo@example.com");
      assertThat(mo.client().patch("/api/me", Map.of("email", "mo.new@example.com")).status()).isEqualTo(200);
      assertThat(rows(server, mo.subject())).isEqualTo(1);
      assertThat(mo.client().delete("/api/me").status()).isEqualTo(200);
      assertThat(rows(server, mo.subject())).as("gone with the account, at once").isZero();
      server.confide.retention.run();
      assertThat(rows(server, mo.subject())).isZero();
      assertThat(mo.mailbox().newMail(mo.subject())).as("the code's mail went with the subject's outbox").isEmpty();
      assertThat(signUp(server, "Mo Again", "mo.new@example.com").me().get("email").asText()).isEqualTo("mo.new@example.com");
    }
  }

  @Tag("P23")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theAccessReportSaysWhetherAndWhenTheAddressWasVerifiedButNeverTheCode(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Person ned = signUp(server, "Ned", "ned@example.com");
      String code = ned.mailbox().verificationCode(ned.subject(), "ned@example.com");
      JsonNode unverified = report(server, ned);
      assertThat(unverified.at("/account/emailVerified").asBoolean()).isFalse();
      assertThat(unverified.at("/account/emailVerifiedAt").isNull()).isTrue();

      server.clock.advance(Duration.ofMinutes(10));
      Instant verifiedAt = server.clock.instant();
      assertThat(ned.verify(code).status()).isEqualTo(200);
      assertThat(ned.client().patch("/api/me", Map.of("email", "ned.new@example.com")).status()).isEqualTo(200);
      String newCode = ned.mailbox().verificationCode(ned.subject(), "ned.new@example.com");
      Response filed = ned.client().post("/api/privacy/requests", Map.of("type", "access"));
      Map<String, String> files = PrivacyRequestTest.unzip(
          PrivacyRequestTest.download(server, ned.client(), filed.json().get("download").asText()).body());
      JsonNode report = JSON.readTree(files.get("report.json"));
      assertThat(report.at("/account/emailVerified").asBoolean()).isTrue();
      assertThat(Instant.parse(report.at("/account/emailVerifiedAt").asText())).isEqualTo(verifiedAt);
      assertThat(report.at("/account/pendingEmail").asText()).isEqualTo("ned.new@example.com");
      assertThat(files.get("account.csv")).contains("emailVerified").contains("ned.new@example.com");
      assertThat(String.join("\n", files.values())).as("never a code").doesNotContain(code).doesNotContain(newCode);
    }
  }

  private static JsonNode report(TestServer server, Person p) throws Exception {
    Response filed = p.client().post("/api/privacy/requests", Map.of("type", "access"));
    return JSON.readTree(PrivacyRequestTest.unzip(
        PrivacyRequestTest.download(server, p.client(), filed.json().get("download").asText()).body()).get("report.json"));
  }

  private static Map<MailKind, UUID> enqueueOneOfEach(TestServer server, UUID subject) {
    return Map.of(
        MailKind.LEGAL, server.confide.outbox.enqueue(subject, MailKind.LEGAL, "product_update", Map.of("title", "Legal", "message", "l")),
        MailKind.PRODUCT, server.confide.outbox.enqueue(subject, MailKind.PRODUCT, "product_update", Map.of("title", "Product", "message", "p")),
        MailKind.MARKETING, server.confide.outbox.enqueue(subject, MailKind.MARKETING, "product_update",
            Map.of("title", "Marketing", "message", "m")));
  }

  private static MailStatus status(TestServer server, UUID mail) {
    return server.confide.outbox.find(mail).map(Outbox.MailRecord::status).orElseThrow();
  }

  private static long rows(TestServer server, UUID subject) {
    return server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM email_verifications WHERE subject_id = :s")
        .bind("s", subject).mapTo(Long.class).one());
  }
}
