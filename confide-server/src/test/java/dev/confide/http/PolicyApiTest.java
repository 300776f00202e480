package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditFilter;
import dev.confide.identity.StaffRole;
import dev.confide.notify.MailKind;
import dev.confide.notify.MailStatus;
import dev.confide.policy.PolicyLoader;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code /privacy}, {@code /api/privacy/policy}, the staff verification report and publishing versions (P35). */
class PolicyApiTest {
  @TempDir Path tmp;

  @Test
  void thePolicyPageIsPublicHtmlUnderAStrictCspAndItsNumbersArePublicData() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      Response page = server.client().get("/privacy");

      assertThat(page.status()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type.replace(" ", "")).isEqualToIgnoringCase("text/html;charset=utf-8"));
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValue("default-src 'none'; style-src 'self'; frame-ancestors 'none'");
      assertThat(page.text()).startsWith("<!DOCTYPE html>").contains("<html lang=\"en\">")
          .contains("Version 2025-01-01").contains("Version history").contains("The current version.")
          .contains("deleted after 90 days without activity").doesNotContain("<script").doesNotContain("style=");

      Response policy = server.client().get("/api/privacy/policy");
      assertThat(policy.status()).isEqualTo(200);
      JsonNode json = policy.json();
      assertThat(json.get("version").asText()).isEqualTo("2025-01-01");
      assertThat(json.get("effectiveDate").asText()).isEqualTo("2025-01-01");
      assertThat(json.at("/defaults/chatRetentionDays").asInt()).isEqualTo(90);
      assertThat(json.at("/defaults/dataCollection").asBoolean()).isTrue();
      assertThat(json.at("/retention/usageDays").asInt()).isEqualTo(730);
      assertThat(json.at("/deadlines/gdpr/respondWithin").asText()).isEqualTo("P1M");
      assertThat(json.at("/deadlines/ccpa/extendableBy").asText()).isEqualTo("P45D");
      assertThat(json.get("promises")).hasSize(30);
      assertThat(json.at("/promises/3/id").asText()).isEqualTo("P04");
      assertThat(json.at("/promises/3/title").asText()).startsWith("Chats deleted after");
      assertThat(json.at("/history/0/version").asText()).isEqualTo("2025-01-01");
    }
  }

  @Test
  void onlyStaffSeeTheReportAndOnlyPrivacyOfficersAndAdminsPublish() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      ApiClient user = server.client();
      user.signUp("Una User", "una@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient support = server.staffClient("support@example.com", StaffRole.SUPPORT);
      Map<String, Object> body = Map.of("summary", "Clearer wording.", "significant", false);

      for (ApiClient outsider : List.of(server.client(), user)) {
        assertThat(outsider.get("/api/admin/policy/verify").status()).isEqualTo(401);
        assertThat(outsider.get("/api/admin/policy/versions").status()).isEqualTo(401);
        assertThat(outsider.post("/api/admin/policy/versions", body).status()).isEqualTo(401);
      }
      Response refused = support.post("/api/admin/policy/versions", body);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.errorCode()).isEqualTo("forbidden_role");
      assertThat(server.confide.policyVersions.history()).isEmpty();

      Response report = support.get("/api/admin/policy/verify");
      assertThat(report.status()).isEqualTo(200);
      assertThat(report.json().get("ok").asBoolean()).as("no job has run and there is no TLS").isFalse();
      assertThat(report.json().get("promises")).hasSize(41);
      JsonNode p20 = report.json().at("/promises/19");
      assertThat(p20.get("id").asText()).isEqualTo("P20");
      assertThat(p20.get("made").asBoolean()).isTrue();
      assertThat(p20.get("enforced").asBoolean()).isFalse();
      assertThat(p20.get("reason").asText()).contains("plain HTTP");
      assertThat(support.get("/api/admin/policy/versions").json().get("data")).isEmpty();
    }
  }

  @Tag("P35")
  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aSignificantVersionIsAnnouncedToEveryUserAndShownWithItsHistory(TestBackend backend) throws Exception {
    Path policyFile = tmp.resolve("our-policy.yaml");
    Files.writeString(policyFile, versioned("2026-01-01"));
    String config = "policy: " + policyFile + "\n";
    TestServer server = TestServer.start(backend, tmp, config, false);
    try {
      ApiClient ada = server.client();
      UUID adaId = id(ada.signUp("Ada Notice", "ada-notice@example.com", GatewayTest.PASSWORD, "1990-01-01"));
      ApiClient bob = server.client();
      UUID bobId = id(bob.signUp("Bob Quiet", "bob-quiet@example.com", GatewayTest.PASSWORD, "1990-01-01"));
      bob.patch("/api/settings", Map.of("communication", Map.of("marketing", false, "productUpdates", false)));
      bob.post("/api/privacy/requests", Map.of("type", "restrict"));

      ApiClient officer = server.staffClient("officer@example.com", StaffRole.PRIVACY_OFFICER);
      Response first = officer.post("/api/admin/policy/versions",
          Map.of("version", "2026-01-01", "summary", "First published version.", "significant", false));
      assertThat(first.status()).as(first.text()).isEqualTo(201);
      assertThat(first.json().get("contentSha256").asText()).isEqualTo(sha256(policyFile));
      assertThat(first.json().get("publishedBy").asText()).isEqualTo(officer.get("/api/admin/me").json().get("id").asText());
      assertThat(ada.get("/api/notices").json().get("pendingAcknowledgement").asInt()).as("not significant").isZero();
      assertThat(officer.post("/api/admin/policy/versions", Map.of("summary", "Again.", "significant", false)).errorCode())
          .isEqualTo("policy_version_exists");
      assertThat(officer.post("/api/admin/policy/versions", Map.of("version", "2027", "summary", "Other.", "significant", true))
          .errorCode()).isEqualTo("version_mismatch");

      // the operator edits the file: until a restart loads it, it cannot be published
      Files.writeString(policyFile, versioned("2026-03-01"));
      Response early = officer.post("/api/admin/policy/versions", Map.of("summary", "Too early.", "significant", true));
      assertThat(early.status()).isEqualTo(409);
      assertThat(early.errorCode()).isEqualTo("policy_file_changed");

      server = server.restart(config);
      ApiClient admin = server.staffClient("admin@example.com", StaffRole.ADMIN);
      Response second = admin.post("/api/admin/policy/versions",
          Map.of("summary", "We now tell you more about cookies.", "significant", true));
      assertThat(second.status()).as(second.text()).isEqualTo(201);
      assertThat(second.json().get("version").asText()).isEqualTo("2026-03-01");
      assertThat(second.json().get("announcedAt").isNull()).isFalse();
      assertThat(second.json().get("contentSha256").asText()).isEqualTo(sha256(policyFile));

      // every user: one notice to acknowledge, and a legal mail whatever their preferences or restriction
      for (UUID subject : List.of(adaId, bobId)) {
        assertThat(server.confide.outbox.history(subject)).filteredOn(m -> m.template().equals("policy_update"))
            .singleElement().satisfies(m -> {
              assertThat(m.kind()).isEqualTo(MailKind.LEGAL);
              assertThat(m.status()).isEqualTo(MailStatus.PENDING);
            });
      }
      ApiClient adaAgain = server.client();
      adaAgain.logIn("ada-notice@example.com", GatewayTest.PASSWORD);
      JsonNode notices = adaAgain.get("/api/notices").json();
      assertThat(notices.get("pendingAcknowledgement").asInt()).isEqualTo(1);
      JsonNode notice = notices.get("data").get(0);
      assertThat(notice.get("kind").asText()).isEqualTo("policy_update");
      assertThat(notice.get("requiresAck").asBoolean()).isTrue();
      assertThat(notice.get("title").asText()).contains("2026-03-01");
      assertThat(notice.get("body").asText()).isEqualTo("We now tell you more about cookies.");
      assertThat(adaAgain.post("/api/notices/" + notice.get("id").asText() + "/ack", Map.of()).status()).isEqualTo(204);
      assertThat(adaAgain.get("/api/notices").json().get("pendingAcknowledgement").asInt()).isZero();

      String page = server.client().get("/privacy").text();
      assertThat(page).contains("Version 2026-03-01").contains("We now tell you more about cookies.")
          .contains("First published version.").doesNotContain("The current version.");
      assertThat(page.indexOf("We now tell you more")).as("newest first").isLessThan(page.indexOf("First published"));
      assertThat(admin.get("/api/admin/policy/versions").json().get("data")).extracting(v -> v.get("version").asText())
          .containsExactly("2026-03-01", "2026-01-01");
      assertThat(server.client().get("/api/privacy/policy").json().at("/history/1/summary").asText())
          .isEqualTo("First published version.");
      assertThat(server.confide.auditLog.list(AuditFilter.newest(10).action(AuditActions.POLICY_PUBLISHED)).entries())
          .extracting(e -> e.targetId()).containsExactly("v2026-03-01", "v2026-01-01");
    } finally {
      server.close();
    }
  }

  private static String versioned(String version) {
    return PolicyLoader.presetYaml("infuzu").replace("version: \"2025-01-01\"", "version: \"" + version + "\"")
        .replace("effectiveDate: 2025-01-01", "effectiveDate: " + version);
  }

  private static UUID id(Response signUp) {
    return UUID.fromString(signUp.json().get("id").asText());
  }

  private static String sha256(Path file) throws IOException, java.security.NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
