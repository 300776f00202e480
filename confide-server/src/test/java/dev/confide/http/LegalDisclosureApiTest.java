package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditFilter;
import dev.confide.identity.StaffRole;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
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

/** Legal disclosures recorded by staff (P16) and the disclosures admin API. */
class LegalDisclosureApiTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The authorities named in the subject's access report, in order. */
  private static List<String> reportedAuthorities(TestServer server, ApiClient subject) throws Exception {
    Response filed = subject.post("/api/privacy/requests", Map.of("type", "access"));
    assertThat(filed.status()).as(filed.text()).isEqualTo(201);
    JsonNode request = filed.json();
    var download = PrivacyRequestTest.download(server, subject, request.get("download").asText());
    JsonNode report = JSON.readTree(PrivacyRequestTest.unzip(download.body()).get("report.json"));
    report.get("legalDisclosures").forEach(d -> assertThat(d.has("subjects")).as("never the other subjects").isFalse());
    return report.get("legalDisclosures").findValuesAsText("authority");
  }

  private static Map<String, Object> disclosure(String authority, UUID subject, Map<String, Object> hold) {
    Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("authority", authority,
        "legalBasis", "Production order under section 100a of the Code of Criminal Procedure",
        "categories", List.of("account", "chat_history"), "subjects", List.of(subject.toString())));
    if (hold != null) {
      body.put("hold", hold);
    }
    return body;
  }

  private static Response put(ApiClient client, String path, Object body) throws Exception {
    return client.send("PUT", path, JSON.writeValueAsString(body), Map.of());
  }

  @Tag("P16")
  @Tag("P23")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void legalDisclosuresAppearInTheSubjectsAccessReportUnlessHeld(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Disclosed", "ada-disclosed@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID subject = server.confide.accounts.findByEmail("ada-disclosed@example.com").orElseThrow();
      ApiClient officer = server.staffClient("officer@confide.test", StaffRole.PRIVACY_OFFICER);
      Instant holdUntil = server.clock.instant().plus(Duration.ofDays(10));

      Response open = officer.post("/api/admin/disclosures", disclosure("District Court Berlin", subject, null));
      assertThat(open.status()).as(open.text()).isEqualTo(201);
      String openId = open.json().get("id").asText();
      assertThat(open.json().get("subjects")).extracting(JsonNode::asText).containsExactly(subject.toString());
      Response held = officer.post("/api/admin/disclosures", disclosure("Federal Criminal Police", subject,
          Map.of("until", holdUntil.toString(), "reason", "court-ordered secrecy")));
      assertThat(held.status()).isEqualTo(201);
      String heldId = held.json().get("id").asText();

      assertThat(reportedAuthorities(server, ada)).containsExactly("District Court Berlin");

      assertThat(put(officer, "/api/admin/disclosures/" + openId + "/hold",
          Map.of("until", holdUntil.toString(), "reason", "new order")).status()).isEqualTo(200);
      Response lifted = officer.delete("/api/admin/disclosures/" + heldId + "/hold");
      assertThat(lifted.status()).isEqualTo(200);
      assertThat(lifted.json().get("hold").isNull()).isTrue();
      assertThat(reportedAuthorities(server, ada)).containsExactly("Federal Criminal Police");

      JsonNode listed = officer.get("/api/admin/disclosures").json();
      assertThat(listed.get("data")).extracting(d -> d.get("authority").asText())
          .containsExactly("Federal Criminal Police", "District Court Berlin");
      assertThat(listed.get("flows")).as("only built-in models and local mail so far: nothing left").isEmpty();
      assertThat(listed.get("processors")).extracting(p -> p.get("name").asText()).contains("Stripe", "AI model providers");

      var recorded = server.confide.auditLog.list(AuditFilter.newest(10).action(AuditActions.DISCLOSURE_RECORDED)).entries();
      assertThat(recorded).hasSize(2).allSatisfy(e -> assertThat(e.targetKind()).isEqualTo("disclosure"));
      assertThat(recorded.toString()).doesNotContain("District Court").doesNotContain("section 100a");
      assertThat(server.confide.auditLog.list(AuditFilter.newest(10).action(AuditActions.DISCLOSURE_HOLD)).entries()).hasSize(2);

      assertThat(officer.post("/api/admin/disclosures", Map.of("authority", "Court", "legalBasis", "order",
          "categories", List.of("account"), "subjects", List.of("not-an-id"))).errorCode()).isEqualTo("invalid_subjects");
      assertThat(officer.post("/api/admin/disclosures", disclosure("Court", subject,
          Map.of("until", "2020-01-01T00:00:00Z", "reason", "over"))).errorCode()).isEqualTo("invalid_hold");
      assertThat(put(officer, "/api/admin/disclosures/" + UUID.randomUUID() + "/hold",
          Map.of("until", holdUntil.plus(Duration.ofDays(365)).toString(), "reason", "x")).status()).isEqualTo(404);

      server.clock.advance(Duration.ofDays(11));
      assertThat(ada.logIn("ada-disclosed@example.com", GatewayTest.PASSWORD).status()).isEqualTo(200);
      assertThat(reportedAuthorities(server, ada)).as("a hold ends by itself")
          .containsExactly("District Court Berlin", "Federal Criminal Police");
    }
  }

  @Tag("P16")
  @Tag("P21")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theDisclosureAndAnalyticsEndpointsAreForPrivacyStaffOnly(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient user = server.client();
      user.signUp("Una User", "una@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID subject = server.confide.accounts.findByEmail("una@example.com").orElseThrow();
      ApiClient support = server.staffClient("support@confide.test", StaffRole.SUPPORT, StaffRole.SECURITY);
      String someId = UUID.randomUUID().toString();
      Map<String, Object> hold = Map.of("until", server.clock.instant().plus(Duration.ofDays(9)).toString(), "reason", "x");
      record Call(String method, String path, Object body) {}
      List<Call> calls = List.of(
          new Call("GET", "/api/admin/disclosures", null),
          new Call("POST", "/api/admin/disclosures", disclosure("Court", subject, null)),
          new Call("PUT", "/api/admin/disclosures/" + someId + "/hold", hold),
          new Call("DELETE", "/api/admin/disclosures/" + someId + "/hold", null),
          new Call("GET", "/api/admin/analytics/leaderboard", null),
          new Call("GET", "/api/admin/analytics/leaderboard?format=csv", null),
          new Call("POST", "/api/admin/analytics/thumbs", Map.of()));
      for (Call call : calls) {
        String body = call.body() == null ? null : JSON.writeValueAsString(call.body());
        assertThat(server.client().send(call.method(), call.path(), body, Map.of()).status())
            .as("anonymous %s %s", call.method(), call.path()).isEqualTo(401);
        assertThat(user.send(call.method(), call.path(), body, Map.of()).status())
            .as("an end user's session is no staff session: %s %s", call.method(), call.path()).isEqualTo(401);
        Response wrongRole = support.send(call.method(), call.path(), body, Map.of());
        assertThat(wrongRole.status()).as("support and security: %s %s", call.method(), call.path()).isEqualTo(403);
        assertThat(wrongRole.errorCode()).isEqualTo("forbidden_role");
      }
      assertThat(server.confide.legalDisclosures.list(10)).isEmpty();
      assertThat(server.confide.privacyBudget.balance(dev.confide.analytics.ThumbsStatistics.BUDGET_PURPOSE))
          .as("refused calls spend nothing").isEmpty();
    }
  }
}
