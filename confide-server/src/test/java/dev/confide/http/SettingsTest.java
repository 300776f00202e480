package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SettingsTest {
  @TempDir Path tmp;

  @Tag("P12")
  @Tag("P28")
  @Tag("P29")
  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void settingsStartFromTheDefaultsAndEveryChangeIsInTheLedger(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Settings User", "settings@example.com", GatewayTest.PASSWORD, "1990-01-01");
      JsonNode defaults = ada.get("/api/settings").json();
      assertThat(defaults.get("chatRetentionDays").asInt()).isEqualTo(90);
      assertThat(defaults.get("dataCollection").asBoolean()).isTrue();
      assertThat(defaults.get("trainingOptOut").asBoolean()).isFalse();
      assertThat(defaults.at("/communication/legalNotices").asBoolean()).isTrue();

      Response changed = ada.patch("/api/settings", Map.of("chatRetentionDays", "keep", "trainingOptOut", true,
          "limitSensitive", true, "objections", Map.of("profiling", true), "communication", Map.of("marketing", false)));
      assertThat(changed.status()).isEqualTo(200);
      JsonNode now = ada.get("/api/settings").json();
      assertThat(now.get("chatRetentionDays").asText()).isEqualTo("keep");
      assertThat(now.get("trainingOptOut").asBoolean()).isTrue();
      assertThat(now.at("/objections/profiling").asBoolean()).isTrue();
      assertThat(now.at("/communication/marketing").asBoolean()).isFalse();
      assertThat(now.at("/communication/productUpdates").asBoolean()).isTrue();

      ada.patch("/api/settings", Map.of("chatRetentionDays", 30, "trainingOptOut", true));
      JsonNode history = ada.get("/api/settings/history").json().get("data");
      assertThat(history).extracting(h -> h.get("setting").asText() + ":" + h.get("from").asText() + "->" + h.get("to").asText())
          .containsExactly("chatRetentionDays:90->keep", "trainingOptOut:false->true", "limitSensitive:false->true",
              "objections.profiling:false->true", "communication.marketing:true->false", "chatRetentionDays:keep->30");
      assertThat(history).allSatisfy(h -> assertThat(h.get("source").asText()).isEqualTo("app"));

      Object[][] bad = {
          {Map.of("chatRetentionDays", 0), "invalid_chatRetentionDays"},
          {Map.of("chatRetentionDays", "forever"), "invalid_chatRetentionDays"},
          {Map.of("chatRetentionDays", 4_294_967_297L), "invalid_chatRetentionDays"}, // not read as 1 day
          {Map.of("trainingOptOut", "yes"), "invalid_type"},
          {Map.of("objections", Map.of("astrology", true)), "unknown_purpose"},
          {Map.of("communication", Map.of("spam", true)), "unknown_communication"},
          {Map.of("restricted", false), "unknown_field"},
      };
      for (Object[] b : bad) {
        Response r = ada.patch("/api/settings", b[0]);
        assertThat(r.status()).as(b[0].toString()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(b[1]);
      }
      assertThat(ada.get("/api/settings/history").json().get("data")).as("refused changes record nothing").hasSize(6);
    }
  }

  @Tag("P12")
  @Tag("P15")
  @Tag("P17")
  @Tag("P28")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anApiKeyMayOptOutButNotConsentForThePerson(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Key Holder", "keyholder@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient byKey = server.client().withBearer(ada.post("/api/keys", Map.of()).json().get("secret").asText());

      Response optOut = byKey.patch("/api/settings", Map.of("trainingOptOut", true, "optOutOfSale", true,
          "objections", Map.of("profiling", true), "communication", Map.of("marketing", false)));
      assertThat(optOut.status()).as("protecting the person more is fine with a key").isEqualTo(200);
      assertThat(byKey.patch("/api/settings", Map.of("trainingOptOut", true)).status()).as("no change").isEqualTo(200);

      Object[] consents = {Map.of("trainingOptOut", false), Map.of("optOutOfSale", false),
          Map.of("objections", Map.of("profiling", false)), Map.of("communication", Map.of("marketing", true)),
          Map.of("analyticsCookies", true), Map.of("dataCollection", false, "limitSensitive", true, "optOutOfSale", false)};
      for (Object c : consents) {
        Response r = byKey.patch("/api/settings", c);
        assertThat(r.status()).as(c.toString()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("session_required");
      }
      JsonNode now = ada.get("/api/settings").json();
      assertThat(now.get("trainingOptOut").asBoolean()).isTrue();
      assertThat(now.get("optOutOfSale").asBoolean()).isTrue();
      assertThat(now.get("dataCollection").asBoolean()).as("a refused change changes nothing").isTrue();
      assertThat(ada.patch("/api/settings", Map.of("trainingOptOut", false)).status()).as("in the app").isEqualTo(200);

      String provider = ada.get("/api/provider-consents").json().get("data").get(0).get("provider").asText();
      Response consent = byKey.send("PUT", "/api/provider-consents/" + provider, "{\"granted\":true}", Map.of());
      assertThat(consent.status()).isEqualTo(403);
      assertThat(consent.errorCode()).isEqualTo("session_required");
      assertThat(byKey.send("PUT", "/api/provider-consents/" + provider, "{\"granted\":false}", Map.of()).status())
          .as("withdrawing is fine").isEqualTo(200);
    }
  }

  @Tag("P17")
  @Tag("P38")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void globalPrivacyControlOptsOutOfSaleAndRefusesAnalyticsCookies(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("GPC User", "gpc@example.com", GatewayTest.PASSWORD, "1990-01-01");
      assertThat(ada.patch("/api/settings", Map.of("analyticsCookies", true)).json().get("analyticsCookies").asBoolean()).isTrue();
      Response withSignal = ada.send("GET", "/api/me", null, Map.of("Sec-GPC", "1"));
      assertThat(withSignal.status()).isEqualTo(200);
      JsonNode settings = ada.get("/api/settings").json();
      assertThat(settings.get("optOutOfSale").asBoolean()).isTrue();
      assertThat(settings.get("analyticsCookies").asBoolean()).isFalse();
      Response refused = ada.send("PATCH", "/api/settings", "{\"analyticsCookies\":true}", Map.of("Sec-GPC", "1"));
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.errorCode()).isEqualTo("gpc_refuses_analytics");
      Response lifted = ada.send("PATCH", "/api/settings", "{\"optOutOfSale\":false}", Map.of("Sec-GPC", "1"));
      assertThat(lifted.errorCode()).as("the signal cannot be undone in the same request").isEqualTo("gpc_opts_out_of_sale");
      assertThat(ada.get("/api/settings").json().get("optOutOfSale").asBoolean()).isTrue();
      JsonNode history = ada.get("/api/settings/history").json().get("data");
      assertThat(history).filteredOn(h -> h.get("source").asText().equals("gpc"))
          .extracting(h -> h.get("setting").asText()).containsExactlyInAnyOrder("optOutOfSale", "analyticsCookies");
    }
  }

  @Tag("P31")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void hipaaAccountsStartWithDataCollectionOff(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient patient = server.client();
      patient.signUp("Patient", "hipaa-settings@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID subject = server.confide.accounts.authenticate("hipaa-settings@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      server.confide.accounts.setHipaa(subject, "BAA-2026-0042");
      assertThat(patient.get("/api/settings").json().get("dataCollection").asBoolean()).isFalse();
    }
  }

  @Tag("P05")
  @Tag("P31")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void dataCollectionFollowsTheDefaultForTheAccountsKindUntilTheSubjectChooses(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient patient = server.client();
      UUID subject = UUID.fromString(patient.signUp("Later Patient", "later-hipaa@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText());
      // Saving other settings first (a GPC request, a retention choice) must not freeze today's default in.
      assertThat(patient.send("GET", "/api/me", null, Map.of("Sec-GPC", "1")).status()).isEqualTo(200);
      patient.patch("/api/settings", Map.of("chatRetentionDays", 30));
      assertThat(patient.get("/api/settings").json().get("dataCollection").asBoolean()).as("the infuzu default").isTrue();
      server.confide.accounts.setHipaa(subject, "BAA-2026-0043");
      assertThat(patient.get("/api/settings").json().get("dataCollection").asBoolean()).as("HIPAA accounts: off by default").isFalse();
      String conversation = patient.post("/api/conversations", Map.of("content", "hello", "model", "builtin-echo"))
          .json().get("conversationId").asText();
      String comparison = patient.post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "which?", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
      patient.post("/api/comparisons/" + comparison + "/decision", Map.of("choice", "a"));
      assertThat(server.confide.decisionData.all()).as("nothing collected from a HIPAA account by default").isEmpty();

      // A choice the subject makes is theirs, HIPAA or not, and stays when the account's kind changes.
      patient.patch("/api/settings", Map.of("dataCollection", true));
      server.confide.accounts.setHipaa(subject, null);
      server.confide.accounts.setHipaa(subject, "BAA-2026-0044");
      assertThat(patient.get("/api/settings").json().get("dataCollection").asBoolean()).isTrue();
    }
  }
}
