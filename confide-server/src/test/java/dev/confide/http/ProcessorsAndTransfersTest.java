package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.policy.PolicyLoader;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The processor registry from the policy, provider bindings at start-up, and the transfer rule on chat turns. */
class ProcessorsAndTransfersTest {
  @TempDir Path tmp;

  /** The infuzu preset's one model provider entry, which the tests below replace. */
  private static final String INFUZU_MODEL_PROVIDER = """
        - name: AI model providers
          kind: model_provider
          purpose: Generate the answers to your messages.
          categories: [chat_history]
          country: US
          transferMechanism: scc
          baa: false
      """;

  /** Two US model providers: one without a transfer safeguard, one under standard contractual clauses. */
  private static final String TWO_US_PROVIDERS = """
        - name: US direct
          kind: model_provider
          purpose: Answers, hosted in the United States without safeguards.
          categories: [chat_history]
          country: US
          transferMechanism: none
          baa: false
        - name: US with clauses
          kind: model_provider
          purpose: Answers, under standard contractual clauses.
          categories: [chat_history]
          country: US
          transferMechanism: scc
          baa: false
      """;

  private static final String EU_RELAY = """
        - name: EU mail relay
          kind: email
          purpose: Deliver the service's mail.
          categories: [account]
          country: DE
          transferMechanism: none
          baa: false
      """;

  /** The infuzu preset with its model provider entry replaced, as a policy file; the YAML line to configure it. */
  private Path policy(String name, String processors) throws IOException {
    String preset = PolicyLoader.presetYaml("infuzu");
    assertThat(preset).contains(INFUZU_MODEL_PROVIDER);
    Path file = tmp.resolve(name + ".yaml");
    Files.writeString(file, preset.replace(INFUZU_MODEL_PROVIDER, processors));
    return file;
  }

  private static String providers(FakeUpstream upstream) {
    return "providers:\n"
        + "  - {name: direct, baseUrl: \"" + upstream.baseUrl() + "\", models: [direct-model], processor: US direct, readTimeoutMs: 3000}\n"
        + "  - {name: clauses, baseUrl: \"" + upstream.baseUrl() + "\", models: [clauses-model], processor: US with clauses, readTimeoutMs: 3000}\n";
  }

  private static Map<String, Object> ask(String model, String content) {
    return Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", content)));
  }

  /** Signs up through the API, with a data region when one is given. */
  private static ApiClient signUp(TestServer server, String email, String region) {
    ApiClient client = server.client();
    Response r = region == null ? client.signUp("Traveller", email, GatewayTest.PASSWORD, "1990-01-01")
        : client.post("/api/auth/signup", Map.of("name", "Traveller", "email", email, "password", GatewayTest.PASSWORD,
            "birthDate", "1990-01-01", "region", region));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return client.withCsrf(r.json().get("csrfToken").asText());
  }

  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aChannelBoundToNoRegisteredProcessorStopsStartUp(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream()) {
      assertThatThrownBy(() -> TestServer.start(backend, tmp.resolve("unknown"),
          upstream.providerYaml(2000) + "    processor: Nobody Inc\n", false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("providers.fake.processor").hasMessageContaining("'Nobody Inc' is not a processor in the policy");
      assertThatThrownBy(() -> TestServer.start(backend, tmp.resolve("stripe"),
          upstream.providerYaml(2000) + "    processor: Stripe\n", false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'Stripe' is not registered for model_inference");
      String two = "policy: " + policy("two", TWO_US_PROVIDERS) + "\n";
      assertThatThrownBy(() -> TestServer.start(backend, tmp.resolve("ambiguous"), two + upstream.providerYaml(2000), false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("several processors of kind model_provider").hasMessageContaining("US direct");
      assertThatThrownBy(() -> TestServer.start(backend, tmp.resolve("smtp"), "mail: {smtp: {host: 127.0.0.1, port: 2525}}\n", false))
          .as("an SMTP relay is someone else's server: the policy must list it")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("mail.smtp.processor").hasMessageContaining("no processor of kind email");

      String withRelay = "policy: " + policy("relay", INFUZU_MODEL_PROVIDER + EU_RELAY) + "\n"
          + "mail: {smtp: {host: 127.0.0.1, port: 2525}}\n";
      try (TestServer server = TestServer.start(backend, tmp.resolve("bound"), withRelay + upstream.providerYaml(2000), false)) {
        assertThat(server.confide.processors.modelProviders()).containsExactly(Map.entry("fake", "AI model providers"));
        assertThat(server.confide.processors.mailRelay()).isEqualTo("EU mail relay");
      }
    }
  }

  @Tag("P14")
  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void euContentGoesToAProviderOutsideTheEuOnlyUnderASafeguard(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream();
         TestServer server = TestServer.start(backend, tmp,
             "policy: " + policy("transfers", TWO_US_PROVIDERS) + "\n" + providers(upstream), false)) {
      ApiClient european = signUp(server, "elsa@example.com", null);
      assertThat(european.get("/api/me").json().get("region").asText()).as("the configured default").isEqualTo("EU");

      Response refused = european.post("/v1/chat/completions", ask("direct-model", "Canary prompt about fjords"));
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.errorCode()).isEqualTo("transfer_not_permitted");
      assertThat(refused.text()).contains("US direct").contains("safeguard");
      assertThat(european.get("/api/conversations").json().get("data")).as("nothing was stored either").isEmpty();
      Response native_ = european.post("/api/conversations", Map.of("content", "Canary prompt about fjords", "model", "direct-model"));
      assertThat(native_.status()).isEqualTo(422);
      assertThat(native_.errorCode()).isEqualTo("transfer_not_permitted");
      assertThat(upstream.requests()).as("nothing was sent upstream").isEmpty();

      assertThat(european.post("/v1/chat/completions", ask("clauses-model", "Canary prompt about fjords")).status()).isEqualTo(200);
      assertThat(upstream.requests()).hasSize(1);
      assertThat(european.post("/api/conversations", Map.of("content", "hello", "model", "builtin-echo")).status())
          .as("built-in models run inside Confide").isEqualTo(201);

      ApiClient american = signUp(server, "abe@example.com", "us");
      assertThat(american.get("/api/me").json().get("region").asText()).isEqualTo("US");
      assertThat(american.post("/v1/chat/completions", ask("direct-model", "Canary prompt about canyons")).status()).isEqualTo(200);
      assertThat(upstream.requests()).hasSize(2);

      Response moved = european.patch("/api/me", Map.of("region", "US"));
      assertThat(moved.status()).isEqualTo(200);
      assertThat(moved.json().get("region").asText()).isEqualTo("US");
      assertThat(european.post("/v1/chat/completions", ask("direct-model", "Canary prompt about fjords")).status()).isEqualTo(200);
      assertThat(european.patch("/api/me", Map.of("region", "Atlantis")).errorCode()).isEqualTo("invalid_region");
      assertThat(server.client().post("/api/auth/signup", Map.of("name", "X", "email", "x@example.com", "password",
          GatewayTest.PASSWORD, "birthDate", "1990-01-01", "region", "Europe")).errorCode()).isEqualTo("invalid_region");
      assertThat(server.confide.accounts.findByEmail("x@example.com")).as("refused before the account was made").isEmpty();

      ApiClient staff = server.staffClient("privacy@confide.test", dev.confide.identity.StaffRole.PRIVACY_OFFICER);
      JsonNode flows = staff.get("/api/admin/disclosures").json().get("flows");
      assertThat(flows).extracting(f -> f.get("processor").asText() + "/" + f.get("purpose").asText() + "/"
              + f.get("category").asText() + "/" + f.get("flows").asLong() + "/" + f.get("records").asLong())
          .containsExactly("US direct/model_inference/chat_history/2/2", "US with clauses/model_inference/chat_history/1/1");

      String log = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM disclosure_log").mapToMap().list())
          .toString();
      assertThat(log).doesNotContain("Canary").doesNotContain("fjords").doesNotContain("elsa")
          .doesNotContain(server.confide.accounts.findByEmail("elsa@example.com").orElseThrow().toString());
      assertThat(log).contains("US direct");
    }
  }
}
