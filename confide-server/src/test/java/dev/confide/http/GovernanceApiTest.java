package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.identity.StaffRole;
import dev.confide.testing.ApiClient;
import dev.confide.testing.Mailbox;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Files;
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

class GovernanceApiTest {
  @TempDir Path tmp;

  @Tag("P21")
  @Tag("P22")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void contentIsReadOnlyUnderALiveGrantAndEveryReadAndStaffCallIsAuditedInAVerifiableChain(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      UUID subject = UUID.fromString(ada.signUp("Ada Grant", "ada-grant@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      ada.post("/api/conversations", Map.of("content", "my secret plan", "model", "builtin-echo"));
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT);
      String conversations = "/api/admin/subjects/" + subject + "/conversations";

      assertThat(support.get("/api/admin/subjects/" + subject).json().get("conversations").asLong())
          .as("metadata needs no grant").isEqualTo(1);
      var noGrant = support.get(conversations);
      assertThat(noGrant.status()).isEqualTo(403);
      assertThat(noGrant.errorCode()).isEqualTo("no_grant");
      var unknown = support.get("/api/admin/subjects/" + UUID.randomUUID() + "/conversations");
      assertThat(unknown.status()).as("no hint whether the subject exists").isEqualTo(403);
      assertThat(unknown.text()).isEqualTo(noGrant.text());

      assertThat(support.post("/api/admin/grants", Map.of("subjectId", subject.toString(), "reason", "debug a failed reply",
          "ticket", "SUP-1", "minutes", 90)).status()).as("at most an hour").isEqualTo(400);
      assertThat(support.post("/api/admin/grants", Map.of("subjectId", subject.toString(), "ticket", "SUP-1")).status())
          .as("a reason is required").isEqualTo(400);
      JsonNode grant = support.post("/api/admin/grants", Map.of("subjectId", subject.toString(),
          "reason", "debug a failed reply", "ticket", "SUP-1", "minutes", 30)).json();
      assertThat(grant.get("status").asText()).isEqualTo("ACTIVE");

      JsonNode read = support.get(conversations).json();
      assertThat(read.at("/data/0/messages/0/message/content").asText()).isEqualTo("my secret plan");
      ApiClient otherStaff = server.staffClient("other@confide.test", StaffRole.ADMIN);
      assertThat(otherStaff.get(conversations).status()).as("a grant is personal").isEqualTo(403);

      ApiClient security = server.staffClient("sec@confide.test", StaffRole.SECURITY);
      JsonNode reads = security.get("/api/admin/audit?action=content.read").json().get("data");
      assertThat(reads).singleElement().satisfies(e -> {
        assertThat(e.at("/subject").asText()).isEqualTo(subject.toString());
        assertThat(e.at("/detail/grant").asText()).isEqualTo(grant.get("id").asText());
      });
      String allAudit = security.get("/api/admin/audit?limit=500").text();
      assertThat(allAudit).contains("staff.api").contains("staff.login").contains("grant.opened")
          .doesNotContain("my secret plan").doesNotContain("ada-grant@example.com").doesNotContain("debug a failed reply");
      assertThat(support.get("/api/admin/audit").errorCode()).as("support cannot browse the audit log").isEqualTo("forbidden_role");

      JsonNode verified = security.get("/api/admin/audit/verify").json();
      assertThat(verified.get("valid").asBoolean()).isTrue();
      JsonNode head = security.get("/api/admin/audit/head").json();

      server.clock.advance(Duration.ofMinutes(31));
      support = server.staffClient("support2@confide.test", StaffRole.SUPPORT);
      ApiClient sameSupport = support;
      assertThat(sameSupport.get(conversations).status()).as("grants end by themselves").isEqualTo(403);

      server.confide.database.jdbi().useHandle(h -> h.execute(
          "UPDATE audit_entries SET action = 'staff.login' WHERE seq = (SELECT MIN(seq) FROM audit_entries WHERE action = 'content.read')"));
      security = server.staffClient("sec2@confide.test", StaffRole.SECURITY);
      JsonNode tampered = security.get("/api/admin/audit/verify").json();
      assertThat(tampered.get("valid").asBoolean()).isFalse();
      assertThat(tampered.get("firstBadSeq").asLong()).isPositive();
      assertThat(security.get("/api/admin/audit/verify?seq=" + head.get("seq").asLong() + "&mac=" + head.get("mac").asText())
          .json().get("valid").asBoolean()).isFalse();
      assertThat(ada.get("/api/admin/audit/verify").status()).as("end users never reach it").isEqualTo(401);
    }
  }

  @Tag("P33")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anIncidentRunsA72HourClockAndNotifiesTheAffectedByNoticeAndMail(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      UUID subject = UUID.fromString(ada.signUp("Ada Breach", "ada-breach@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      Mailbox mailbox = new Mailbox(server);
      assertThat(mailbox.verificationCode(subject, "ada-breach@example.com")).as("the sign-up's code, left unused").hasSize(8);
      ApiClient security = server.staffClient("sec@confide.test", StaffRole.SECURITY);
      Instant aware = server.clock.instant().minus(Duration.ofHours(2));
      assertThat(security.post("/api/admin/incidents", Map.of("description", "x", "categories", List.of("account"))).status())
          .isEqualTo(400);
      JsonNode incident = security.post("/api/admin/incidents", Map.of("awareAt", aware.toString(),
          "description", "a misconfigured bucket exposed exports", "categories", List.of("account", "chat_history"),
          "scope", Map.of("kind", "subjects", "ids", List.of(subject.toString())))).json();
      assertThat(Instant.parse(incident.get("regulatorDeadline").asText())).isEqualTo(aware.plus(Duration.ofHours(72)));
      assertThat(incident.get("affectedSubjects").asLong()).isEqualTo(1);
      String id = incident.get("id").asText();
      assertThat(security.get("/api/admin/incidents/" + id).json().get("regulatorOverdue").asBoolean()).isFalse();

      JsonNode run = security.post("/api/admin/incidents/" + id + "/notices", Map.of("summary", "exports were exposed",
          "measures", "bucket closed, links revoked", "advice", "no action needed")).json();
      assertThat(run.get("sent").asInt()).isEqualTo(1);
      JsonNode notices = ada.get("/api/notices").json();
      assertThat(notices.at("/data/0/kind").asText()).isEqualTo("breach_notice");
      assertThat(notices.at("/data/0/requiresAck").asBoolean()).isTrue();
      assertThat(notices.get("pendingAcknowledgement").asInt()).isEqualTo(1);
      assertThat(ada.post("/api/notices/" + notices.at("/data/0/id").asText() + "/ack", null).status()).isEqualTo(204);
      assertThat(ada.get("/api/notices").json().get("pendingAcknowledgement").asInt()).isZero();
      assertThat(mailbox.newMail(subject)).as("legal mail goes to an address not verified yet").singleElement().satisfies(m -> {
        assertThat(m.to()).isEqualTo("ada-breach@example.com");
        assertThat(m.body()).contains("bucket closed, links revoked");
      });

      server.clock.advance(Duration.ofHours(71));
      security = server.staffClient("sec2@confide.test", StaffRole.SECURITY);
      assertThat(security.get("/api/admin/incidents/" + id).json().get("regulatorOverdue").asBoolean()).isTrue();
      String report = security.get("/api/admin/incidents/" + id + "/report").text();
      assertThat(report).contains("72").contains("chat_history").doesNotContain("ada-breach@example.com");
      assertThat(security.post("/api/admin/incidents/" + id + "/regulator-notified", Map.of()).status()).isEqualTo(200);
      assertThat(security.get("/api/admin/incidents/" + id).json().get("regulatorOverdue").asBoolean()).isFalse();
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT);
      assertThat(support.get("/api/admin/incidents/" + id).errorCode()).isEqualTo("forbidden_role");
    }
  }

  @Tag("P33")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anIncidentRecordedBeforeItsScopeIsKnownIsScopedLaterOnThePolicysClock(TestBackend backend) throws Exception {
    String preset = dev.confide.policy.PolicyLoader.presetYaml("infuzu");
    assertThat(preset).contains("regulatorHours: 72");
    Path policy = tmp.resolve("policy-48h.yaml");
    Files.writeString(policy, preset.replace("regulatorHours: 72", "regulatorHours: 48"));
    try (TestServer server = TestServer.start(backend, tmp, "policy: " + policy + "\n", false)) {
      ApiClient ada = server.client();
      UUID subject = UUID.fromString(ada.signUp("Ada Later", "ada-later@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      server.confide.accounts.setHipaa(subject, "BAA-2026-7");
      ApiClient security = server.staffClient("sec-later@confide.test", StaffRole.SECURITY);
      Instant aware = server.clock.instant().minus(Duration.ofHours(1));
      Instant detected = aware.minus(Duration.ofDays(10));
      JsonNode incident = security.post("/api/admin/incidents", Map.of("awareAt", aware.toString(), "detectedAt", detected.toString(),
          "description", "logs with session tokens were shipped to a third party", "categories", List.of("account"))).json();
      String id = incident.get("id").asText();
      assertThat(Instant.parse(incident.get("regulatorDeadline").asText())).as("the policy promises 48 hours")
          .isEqualTo(aware.plus(Duration.ofHours(48)));
      assertThat(incident.get("affectedSubjects").asLong()).isZero();
      assertThat(security.post("/api/admin/incidents/" + id + "/scope", Map.of()).errorCode()).isEqualTo("invalid_scope");
      assertThat(security.post("/api/admin/incidents/" + id + "/scope", Map.of("scope", Map.of("kind", "everyone"))).errorCode())
          .isEqualTo("invalid_scope");
      ApiClient support = server.staffClient("support-later@confide.test", StaffRole.SUPPORT);
      assertThat(support.post("/api/admin/incidents/" + id + "/scope",
          Map.of("scope", Map.of("kind", "subjects", "ids", List.of(subject.toString())))).errorCode()).isEqualTo("forbidden_role");

      JsonNode scoped = security.post("/api/admin/incidents/" + id + "/scope",
          Map.of("scope", Map.of("kind", "subjects", "ids", List.of(subject.toString())))).json();
      assertThat(scoped.get("affectedSubjects").asLong()).isEqualTo(1);
      assertThat(Instant.parse(scoped.get("hipaaDeadline").asText())).as("HIPAA counts from discovery")
          .isEqualTo(detected.plus(Duration.ofDays(60)));
      JsonNode run = security.post("/api/admin/incidents/" + id + "/notices", Map.of("summary", "tokens were exposed",
          "measures", "sessions revoked", "advice", "sign in again")).json();
      assertThat(run.get("sent").asInt()).isEqualTo(1);
      assertThat(ada.get("/api/notices").json().at("/data/0/kind").asText()).isEqualTo("breach_notice");
      assertThat(security.get("/api/admin/incidents/" + id + "/report").text()).contains("48 hours from awareness");
      assertThat(security.get("/api/admin/incidents/" + id).json().get("timeline")).extracting(e -> e.get("kind").asText())
          .contains("scope");
    }
  }
}
