package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.app.Confide;
import dev.confide.chat.DecisionEvent;
import dev.confide.crypto.KeyRotation;
import dev.confide.pii.PiiDetector;
import dev.confide.pii.PiiEngine;
import dev.confide.pii.PiiShield;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The PII shield between Confide and model providers, against a fake upstream that echoes what it got. */
@Tag("P15")
class ShieldTest {
  @TempDir Path tmp;

  private static final String EMAIL = "ada.lovelace@example.com";

  /** The infuzu policy with one more model provider, which has a BAA. */
  private static final String BAA_PROCESSOR = """
        - name: Covered model host
          kind: model_provider
          purpose: Generate answers under a business associate agreement.
          categories: [chat_history]
          country: US
          transferMechanism: scc
          baa: true
      """;

  private String providers(FakeUpstream upstream) throws java.io.IOException {
    String preset = dev.confide.policy.PolicyLoader.presetYaml("infuzu");
    String processors = "processors:\n";
    assertThat(preset).contains(processors);
    Path policy = tmp.resolve("policy-with-baa.yaml");
    java.nio.file.Files.writeString(policy, preset.replace(processors, processors + BAA_PROCESSOR));
    String base = upstream.baseUrl();
    return "policy: " + policy + "\n"
        + "providers:\n"
        + "  - {name: shielded, baseUrl: \"" + base + "\", models: [pseudo-model], shield: pseudonymize, processor: AI model providers, readTimeoutMs: 3000}\n"
        + "  - {name: redacting, baseUrl: \"" + base + "\", models: [redact-model], shield: redact, processor: AI model providers, readTimeoutMs: 3000}\n"
        + "  - {name: open, baseUrl: \"" + base + "\", models: [open-model], shield: off, processor: AI model providers, readTimeoutMs: 3000}\n"
        + "  - {name: covered, baseUrl: \"" + base + "\", models: [baa-model], shield: off, baa: true,"
        + " processor: Covered model host, readTimeoutMs: 3000}\n"
        // claims a BAA the policy's processor for it does not have
        + "  - {name: claims, baseUrl: \"" + base + "\", models: [claims-model], shield: off, baa: true,"
        + " processor: AI model providers, readTimeoutMs: 3000}\n";
  }

  private static Map<String, Object> ask(String model, boolean stream) {
    return Map.of("model", model, "stream", stream,
        "messages", List.of(Map.of("role", "user", "content", "Please email " + EMAIL + " and cc " + EMAIL + " today")));
  }

  private static String lastSent(FakeUpstream upstream) {
    List<com.fasterxml.jackson.databind.JsonNode> requests = upstream.requests();
    return requests.get(requests.size() - 1).at("/messages/0/content").asText();
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void pseudonymsGoOutAndTheOriginalsComeBackEvenSplitAcrossChunks(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().echo().chunkChars(5);
         TestServer server = TestServer.start(backend, tmp, providers(upstream), false)) {
      GatewayTest.User ada = GatewayTest.user(server, "shield@example.com");
      Response plain = ada.bearer().post("/v1/chat/completions", ask("pseudo-model", false));
      assertThat(plain.status()).isEqualTo(200);
      assertThat(lastSent(upstream)).doesNotContain(EMAIL)
          .isEqualTo("Please email <EMAIL_ADDRESS_1> and cc <EMAIL_ADDRESS_1> today");
      assertThat(plain.json().at("/choices/0/message/content").asText())
          .isEqualTo("You said: Please email " + EMAIL + " and cc " + EMAIL + " today");

      HttpResponse<String> streamed = GatewayTest.stream(server, ada.secret(), ask("pseudo-model", true), null);
      StringBuilder content = new StringBuilder();
      for (String event : streamed.body().split("\n\n")) {
        if (event.startsWith("data: {")) {
          content.append(new com.fasterxml.jackson.databind.ObjectMapper().readTree(event.substring(6)).at("/choices/0/delta/content").asText(""));
        }
      }
      assertThat(content.toString()).isEqualTo("You said: Please email " + EMAIL + " and cc " + EMAIL + " today");
      String conversation = streamed.headers().firstValue("X-Confide-Conversation").orElseThrow();
      assertThat(ada.session().get("/api/conversations/" + conversation).json().at("/messages/1/content").asText())
          .as("the stored answer holds the originals").contains(EMAIL);

      List<Map<String, Object>> usage = server.confide.database.jdbi().withHandle(h ->
          h.createQuery("SELECT pii_mode, pii_counts FROM usage_records").mapToMap().list());
      assertThat(usage).allSatisfy(row -> {
        assertThat(row.get("pii_mode")).isEqualTo("pseudonymize");
        assertThat(row.get("pii_counts")).isEqualTo("EMAIL_ADDRESS=2");
      });
      assertThat(usage.toString()).doesNotContain(EMAIL);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void redactingProvidersGetTypePlaceholdersAndConsentSwitchesTheShieldOff(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().echo();
         TestServer server = TestServer.start(backend, tmp, providers(upstream), false)) {
      GatewayTest.User ada = GatewayTest.user(server, "consent@example.com");
      assertThat(ada.bearer().post("/v1/chat/completions", ask("redact-model", false)).json().at("/choices/0/message/content").asText())
          .isEqualTo("You said: Please email <EMAIL_ADDRESS> and cc <EMAIL_ADDRESS> today");

      Response granted = ada.session().send("PUT", "/api/provider-consents/shielded", "{\"granted\":true}", Map.of());
      assertThat(granted.status()).isEqualTo(200);
      assertThat(granted.json().get("effectiveShield").asText()).isEqualTo("consented");
      ada.bearer().post("/v1/chat/completions", ask("pseudo-model", false));
      assertThat(lastSent(upstream)).as("the subject consented").contains(EMAIL);

      assertThat(ada.session().send("PUT", "/api/provider-consents/shielded", "{\"granted\":false}", Map.of()).status()).isEqualTo(200);
      ada.bearer().post("/v1/chat/completions", ask("pseudo-model", false));
      assertThat(lastSent(upstream)).as("consent withdrawn").doesNotContain(EMAIL);

      var listed = ada.session().get("/api/provider-consents").json().get("data");
      assertThat(listed).extracting(p -> p.get("provider").asText()).contains("shielded", "redacting", "open", "covered");
      long history = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pii_provider_consents").mapTo(Long.class).one());
      assertThat(history).as("every decision is recorded").isEqualTo(2);
      assertThat(ada.session().send("PUT", "/api/provider-consents/nope", "{\"granted\":true}", Map.of()).status()).isEqualTo(404);
      assertThat(ada.session().send("PUT", "/api/provider-consents/open", "{\"granted\":\"yes\"}", Map.of()).errorCode()).isEqualTo("invalid_type");
    }
  }

  @Tag("P31")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aHipaaAccountsDataReachesAProviderWithoutABaaOnlyShielded(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().echo();
         TestServer server = TestServer.start(backend, tmp, providers(upstream), false)) {
      GatewayTest.User patient = GatewayTest.user(server, "patient@example.com");
      UUID subject = server.confide.accounts.authenticate("patient@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      server.confide.accounts.setHipaa(subject, "BAA-2026-0042");

      patient.bearer().post("/v1/chat/completions", ask("open-model", false));
      assertThat(lastSent(upstream)).as("shield off, but no BAA: shielded anyway").doesNotContain(EMAIL);
      Response consent = patient.session().send("PUT", "/api/provider-consents/shielded", "{\"granted\":true}", Map.of());
      assertThat(consent.status()).isEqualTo(422);
      assertThat(consent.errorCode()).isEqualTo("hipaa_requires_shield");
      int before = upstream.requests().size();
      assertThat(patient.bearer().post("/v1/chat/completions", ask("claims-model", false)).status()).isEqualTo(200);
      assertThat(upstream.requests()).as("this request reached the upstream").hasSize(before + 1);
      assertThat(lastSent(upstream)).as("a BAA in the configuration alone does not count").doesNotContain(EMAIL);
      assertThat(patient.session().send("PUT", "/api/provider-consents/claims", "{\"granted\":true}", Map.of()).errorCode())
          .isEqualTo("hipaa_requires_shield");
      patient.bearer().post("/v1/chat/completions", ask("baa-model", false));
      assertThat(lastSent(upstream)).as("a provider under a BAA in both may receive it").contains(EMAIL);
    }
  }

  @Tag("P14")
  @Tag("P15")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theShieldFailsClosedWhenDetectionBreaksOrIsTooSlow(TestBackend backend) throws Exception {
    PiiDetector broken = text -> {
      if (text.contains("slow")) {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of();
      }
      if (text.contains("explode")) {
        throw new IllegalStateException("detector failure");
      }
      return PiiEngine.standard().detect(text);
    };
    try (FakeUpstream upstream = new FakeUpstream().echo();
         TestServer server = TestServer.start(backend, tmp, providers(upstream) + "pii: {shieldTimeoutMs: 200}\n", false,
             new Confide.Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE, broken))) {
      GatewayTest.User ada = GatewayTest.user(server, "failclosed@example.com");
      // Short requests are checked on the request thread, long ones on the shield's executor: both fail closed.
      String longTail = " and more words".repeat(PiiShield.INLINE_CHARS / 10);
      for (String trigger : List.of("explode", "slow", "explode" + longTail, "slow" + longTail)) {
        int before = upstream.requests().size();
        Response r = ada.bearer().post("/v1/chat/completions", Map.of("model", "pseudo-model",
            "messages", List.of(Map.of("role", "user", "content", trigger + " with " + EMAIL))));
        assertThat(r.status()).as(trigger).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("pii_shield_unavailable");
        assertThat(upstream.requests()).as("nothing was sent raw").hasSize(before);
      }
      assertThat(modelFlows(server)).as("the disclosure log counts what left, not what was refused").isZero();
      assertThat(ada.bearer().post("/v1/chat/completions", ask("pseudo-model", false)).status()).isEqualTo(200);
      assertThat(modelFlows(server)).isEqualTo(1);

      // The native paths: a new turn, and a comparison whose sides are both withdrawn when one is refused.
      int before = upstream.requests().size();
      Response turn = ada.session().post("/api/conversations", Map.of("model", "pseudo-model", "content", "explode " + EMAIL));
      assertThat(turn.status()).isEqualTo(503);
      String conversation = ada.session().post("/api/conversations", Map.of("model", "builtin-echo", "content", "hello"))
          .json().get("conversationId").asText();
      Response compared = ada.session().post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "explode " + EMAIL, "models", List.of("pseudo-model", "redact-model")));
      assertThat(compared.errorCode()).isEqualTo("pii_shield_unavailable");
      assertThat(upstream.requests()).hasSize(before);
      assertThat(modelFlows(server)).isEqualTo(1);
      long failures = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT COUNT(*) FROM usage_records WHERE status = 'shield_failed'").mapTo(Long.class).one());
      assertThat(failures).isEqualTo(6);
    }
  }

  /** Flows of chat history to model providers in the disclosure log (P14), over all days. */
  private static long modelFlows(TestServer server) {
    return server.confide.disclosureLog.log(dev.confide.disclosure.DisclosureLog.Filter.all()).stream()
        .filter(e -> e.purpose().equals(dev.confide.disclosure.Purposes.MODEL_INFERENCE))
        .mapToLong(dev.confide.disclosure.DisclosureLog.Entry::flows).sum();
  }
}
