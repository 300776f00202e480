package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEntry;
import dev.confide.audit.AuditFilter;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.rights.PrivacyRequests;
import dev.confide.testing.ApiClient;
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

class AdminRequestsTest {
  @TempDir Path tmp;

  @Tag("P30")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void emailedRequestsAreVerifiedByCodeQueuedWithDeadlinesRemindedAndExtended(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      UUID subject = UUID.fromString(ada.signUp("Ada Intake", "ada-intake@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      PrivacyRequests requests = server.confide.privacyRequests;
      Instant received = server.clock.instant().minus(Duration.ofDays(3));
      PrivacyRequests.Intake intake = requests.intake(subject, "restrict", "gdpr", List.of(), received);
      assertThat(intake.request().status()).isEqualTo("verifying");
      assertThat(intake.request().dueAt()).as("the clock runs from receipt").isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
      assertThat(intake.verificationCode()).matches("\\d{8}");
      assertThat(ada.get("/api/settings").json().get("restricted").asBoolean()).as("nothing happens before verification").isFalse();

      assertThatThrownBy(() -> requests.verify(intake.request().id(), wrong(intake.verificationCode())))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("wrong_code"));
      PrivacyRequests.Request done = requests.verify(intake.request().id(), intake.verificationCode());
      assertThat(done.status()).isEqualTo("completed");
      assertThat(done.receipt()).isNotNull();
      assertThat(ada.get("/api/settings").json().get("restricted").asBoolean()).isTrue();
      assertThatThrownBy(() -> requests.verify(intake.request().id(), intake.verificationCode())).as("a code works once")
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_FOUND));

      PrivacyRequests.Intake guessed = requests.intake(subject, "access", "ccpa", List.of(), null);
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> requests.verify(guessed.request().id(), wrong(guessed.verificationCode())))
            .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("wrong_code"));
      }
      assertThatThrownBy(() -> requests.verify(guessed.request().id(), wrong(guessed.verificationCode())))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("verification_failed"));
      assertThatThrownBy(() -> requests.verify(guessed.request().id(), guessed.verificationCode())).as("closed after five tries")
          .isInstanceOf(Problem.class);

      JsonNode rectify = ada.post("/api/privacy/requests", Map.of("type", "rectify")).json();
      ApiClient officer = server.staffClient("po@confide.test", StaffRole.PRIVACY_OFFICER);
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT);
      JsonNode queue = officer.get("/api/admin/requests").json().get("data");
      assertThat(queue).singleElement().satisfies(e -> {
        assertThat(e.get("id").asText()).isEqualTo(rectify.get("id").asText());
        assertThat(e.get("dueAt").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(e.get("overdue").asBoolean()).isFalse();
      });
      assertThat(officer.get("/api/admin/requests?status=all").json().get("data")).hasSize(3);

      assertThat(requests.remindersDue()).isEmpty();
      server.clock.advance(Duration.ofDays(25));
      assertThat(requests.remindersDue()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("due_in_7_days"));
      assertThat(requests.remindersDue()).as("each reminder once").isEmpty();
      server.clock.advance(Duration.ofDays(4));
      assertThat(requests.remindersDue()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("due_in_2_days"));
      server.clock.advance(Duration.ofDays(3));
      assertThat(requests.remindersDue()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("overdue"));
      officer = server.staffClient("po2@confide.test", StaffRole.PRIVACY_OFFICER);
      support = server.staffClient("support2@confide.test", StaffRole.SUPPORT);
      assertThat(officer.get("/api/admin/requests").json().at("/data/0/overdue").asBoolean()).isTrue();

      String extendPath = "/api/admin/requests/" + rectify.get("id").asText() + "/extend";
      assertThat(support.post(extendPath, Map.of("reason", "complex")).errorCode()).as("support may not extend").isEqualTo("forbidden_role");
      assertThat(officer.post(extendPath, Map.of()).status()).isEqualTo(400);
      JsonNode extended = officer.post(extendPath, Map.of("reason", "records held in three systems")).json();
      assertThat(extended.get("status").asText()).isEqualTo("extended");
      assertThat(extended.get("dueAt").asText()).isEqualTo("2027-02-02T10:00:00Z");
      assertThat(extended.get("overdue").asBoolean()).isFalse();
      assertThat(officer.post(extendPath, Map.of("reason", "again")).errorCode()).isEqualTo("already_extended");
      assertThat(ada.get("/api/admin/requests").status()).as("end users never reach the staff API").isEqualTo(401);
    }
  }

  @Tag("P34")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anUnderageReportErasesAndPurgesAtOnce(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient kid = server.client();
      UUID subject = UUID.fromString(kid.signUp("Kid Liar", "kid@example.com", GatewayTest.PASSWORD, "1990-01-01").json().get("id").asText());
      kid.post("/api/conversations", Map.of("content", "hello", "model", "builtin-echo"));
      kid.post("/api/tickets", Map.of("subject", "help", "body", "I am actually 11"));
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT);
      assertThat(support.post("/api/admin/subjects/" + subject + "/underage-report", Map.of()).status()).as("needs a ticket").isEqualTo(400);
      JsonNode report = support.post("/api/admin/subjects/" + subject + "/underage-report", Map.of("ticket", "SUP-17")).json();
      assertThat(report.get("erased").asBoolean()).isTrue();
      assertThat(report.at("/receipt/payload").asText()).contains("\"reason\":\"underage\"");
      assertThat(kid.get("/api/me").status()).isEqualTo(401);
      assertThat(server.client().logIn("kid@example.com", GatewayTest.PASSWORD).status()).isEqualTo(401);
      for (String table : List.of("conversations", "messages", "support_tickets", "subject_keys", "accounts", "access_logs")) {
        long left = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE subject_id = :s")
            .bind("s", subject).mapTo(Long.class).one());
        assertThat(left).as("no grace window: %s purged now", table).isZero();
      }
      assertThat(support.post("/api/admin/subjects/" + subject + "/underage-report", Map.of("ticket", "SUP-17")).status())
          .isEqualTo(404);
      List<AuditEntry> reports = server.confide.auditLog.list(new AuditFilter(null, subject, AuditActions.UNDERAGE_REPORT,
          null, null, null, 10)).entries();
      assertThat(reports).as("who reported it, under which ticket; the refused second report left nothing").singleElement()
          .satisfies(e -> {
            assertThat(e.actor()).isEqualTo(Actor.staff(staffId(support)));
            assertThat(e.detail()).containsEntry("ticket", "sup-17");
          });
    }
  }

  @Tag("P24")
  @Tag("P30")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffSettleARectificationWithAReceiptAndAnAuditEntry(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      UUID subject = UUID.fromString(ada.signUp("Ada Fix", "ada-fix@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      String corrected = ada.post("/api/privacy/requests", Map.of("type", "rectify")).json().get("id").asText();
      String declined = ada.post("/api/privacy/requests", Map.of("type", "rectify")).json().get("id").asText();
      String access = ada.post("/api/privacy/requests", Map.of("type", "access")).json().get("id").asText();
      ApiClient support = server.staffClient("support-fix@confide.test", StaffRole.SUPPORT);
      ApiClient officer = server.staffClient("po-fix@confide.test", StaffRole.PRIVACY_OFFICER);
      assertThat(support.post("/api/admin/requests/" + corrected + "/resolve", Map.of("corrected", true)).errorCode())
          .isEqualTo("forbidden_role");
      assertThat(officer.post("/api/admin/requests/" + corrected + "/resolve", Map.of()).errorCode()).isEqualTo("invalid_corrected");
      assertThat(officer.post("/api/admin/requests/" + declined + "/resolve", Map.of("corrected", false)).errorCode())
          .as("a refusal must say why").isEqualTo("reason_required");
      assertThat(officer.post("/api/admin/requests/" + access + "/resolve", Map.of("corrected", true)).errorCode())
          .isEqualTo("not_awaiting_staff");

      assertThat(officer.post("/api/admin/requests/" + corrected + "/resolve", Map.of("corrected", true)).json()
          .get("status").asText()).isEqualTo("completed");
      assertThat(officer.post("/api/admin/requests/" + declined + "/resolve",
          Map.of("corrected", false, "reason", "the records show the dates as held")).json().get("status").asText()).isEqualTo("completed");
      assertThat(officer.post("/api/admin/requests/" + corrected + "/resolve", Map.of("corrected", true)).errorCode())
          .as("once").isEqualTo("not_awaiting_staff");

      JsonNode mine = ada.get("/api/privacy/requests/" + declined).json();
      assertThat(mine.get("status").asText()).isEqualTo("completed");
      assertThat(mine.at("/receipt/payload").asText()).contains("not corrected: the records show the dates as held");
      assertThat(ada.get("/api/privacy/requests/" + corrected).json().at("/receipt/payload").asText()).contains("corrected as requested");
      List<AuditEntry> transitions = server.confide.auditLog.list(new AuditFilter(null, subject, AuditActions.REQUEST_TRANSITION,
          null, null, null, 10)).entries();
      assertThat(transitions).hasSize(2).allSatisfy(e -> assertThat(e.actor()).isEqualTo(Actor.staff(staffId(officer))));
      assertThat(transitions).extracting(e -> e.detail().get("corrected")).containsExactlyInAnyOrder("true", "false");
      long receipts = server.confide.database.jdbi().withHandle(h -> h.createQuery(
              "SELECT COUNT(*) FROM mail_outbox WHERE subject_id = :s AND template = 'request_receipt'")
          .bind("s", subject).mapTo(Long.class).one());
      assertThat(receipts).as("one mail for each of the three filed, one for each of the two settled").isEqualTo(5);
    }
  }

  @Tag("P31")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffMarkHipaaAccountsWithTheirBaaReference(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient pat = server.client();
      UUID subject = UUID.fromString(pat.signUp("Pat Patient", "pat@example.com", GatewayTest.PASSWORD, "1990-01-01").json().get("id").asText());
      ApiClient officer = server.staffClient("po@confide.test", StaffRole.PRIVACY_OFFICER);
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT);
      String path = "/api/admin/subjects/" + subject + "/hipaa";
      assertThat(support.send("PUT", path, "{\"baaReference\":\"BAA-1\"}", Map.of()).errorCode()).isEqualTo("forbidden_role");
      assertThat(officer.send("PUT", path, "{}", Map.of()).status()).isEqualTo(400);
      assertThat(officer.send("PUT", path, "{\"baaReference\":\"BAA-2026-0042\"}", Map.of()).status()).isEqualTo(200);
      assertThat(server.confide.accounts.isHipaa(subject)).isTrue();
      assertThat(server.confide.accounts.baaReference(subject)).hasValue("BAA-2026-0042");
      assertThat(pat.get("/api/settings").json().get("dataCollection").asBoolean()).as("P31: off by default for HIPAA").isFalse();
      assertThat(officer.delete(path).status()).isEqualTo(200);
      assertThat(server.confide.accounts.isHipaa(subject)).isFalse();
      assertThat(officer.send("PUT", "/api/admin/subjects/" + UUID.randomUUID() + "/hipaa", "{\"baaReference\":\"x\"}", Map.of())
          .status()).isEqualTo(404);
    }
  }

  private static String wrong(String code) {
    return code.equals("00000000") ? "00000001" : "00000000";
  }

  private static UUID staffId(ApiClient staff) {
    return UUID.fromString(staff.get("/api/admin/me").json().get("id").asText());
  }
}
