package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.policy.PolicyLoader;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No promise is hard-coded to a preset: the same scenarios under {@code infuzu}, {@code lumis} and
 * a deployment's own file with other numbers, each expectation written out here rather than read
 * back from the policy. A new account's defaults, a privacy request's deadline, what the retention
 * sweeps delete as the clock moves, and what {@code /privacy} says.
 */
class PolicyConformanceTest {
  @TempDir Path tmp;

  /**
   * @param chatRetention the new account's default, as the settings API shows it ({@code keep} or days)
   * @param gdprDueAt when an access request filed at the test clock's start is due
   * @param pageSays phrases of the rendered policy that carry these numbers
   */
  record Expected(String policy, String chatRetention, boolean dataCollection, int usageDays, String gdprDueAt,
      List<String> pageSays) {
    @Override
    public String toString() {
      return policy;
    }
  }

  static final Expected INFUZU = new Expected("infuzu", "90", true, 730, "2026-12-02T10:00:00Z",
      List.of("deleted after 90 days without activity", "up to 730 days (2 years)", "We answer within 1 month of receiving"));
  static final Expected LUMIS = new Expected("lumis", "keep", false, 730, "2026-12-02T10:00:00Z",
      List.of("until you delete it or your account", "up to 730 days (2 years)", "We answer within 1 month of receiving"));
  static final Expected CUSTOM = new Expected("custom", "45", true, 365, "2026-11-22T10:00:00Z",
      List.of("deleted after 45 days without activity", "up to 365 days (1 year)", "We answer within 20 days of receiving"));

  static Stream<Arguments> policiesAndBackends() {
    return Stream.of(INFUZU, LUMIS, CUSTOM)
        .flatMap(e -> Arrays.stream(TestBackend.values()).map(b -> Arguments.of(e, b)));
  }

  /** The infuzu preset with other numbers: chats 45 days, usage a year, GDPR requests within 20 days. */
  private Path customPolicy() throws IOException {
    String yaml = PolicyLoader.presetYaml("infuzu")
        .replace("version: \"2025-01-01\"", "version: \"custom-1\"")
        .replace("name: Infuzu", "name: Custom Chat")
        .replace("chatRetentionDays: 90", "chatRetentionDays: 45")
        .replace("    retention: 90\n", "    retention: 45\n")
        .replace("usageDays: 730", "usageDays: 365")
        .replace("    retention: 730 # not in the reference policy: see retention.usageDays", "    retention: 365")
        .replace("respondWithin: P1M", "respondWithin: P20D");
    Path file = tmp.resolve("custom-policy.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Tag("P04")
  @Tag("P05")
  @Tag("P07")
  @Tag("P30")
  @Tag("P32")
  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("policiesAndBackends")
  void theEngineDoesWhatTheActivePolicyFileSays(Expected expected, TestBackend backend) throws IOException {
    String spec = expected == CUSTOM ? customPolicy().toString() : expected.policy();
    try (TestServer server = TestServer.start(backend, tmp, "policy: " + spec + "\n", false)) {
      Instant start = server.clock.instant();
      ApiClient session = server.client();
      session.signUp("Conformance Person", "conformance@example.com", GatewayTest.PASSWORD, "1990-01-01");

      JsonNode settings = session.get("/api/settings").json();
      assertThat(settings.get("chatRetentionDays").asText()).isEqualTo(expected.chatRetention());
      assertThat(settings.get("dataCollection").asBoolean()).isEqualTo(expected.dataCollection());

      JsonNode request = session.post("/api/privacy/requests", Map.of("type", "access")).json();
      assertThat(request.get("jurisdiction").asText()).isEqualTo("gdpr");
      assertThat(Instant.parse(request.get("dueAt").asText())).isEqualTo(Instant.parse(expected.gdprDueAt()));

      // an API key outlives the session cookie across the months the clock moves
      ApiClient client = server.client().withBearer(session.post("/api/keys", Map.of()).json().get("secret").asText());
      String chat = client.post("/api/conversations", Map.of("content", "kept as the policy says", "model", "builtin-echo"))
          .json().get("conversationId").asText();

      if (!expected.chatRetention().equals("keep")) {
        int days = Integer.parseInt(expected.chatRetention());
        server.clock.set(start.plus(Duration.ofDays(days - 1)));
        assertThat(server.confide.retention.run().conversationsExpired()).isZero();
        server.clock.set(start.plus(Duration.ofDays(days + 1)));
        assertThat(server.confide.retention.run().conversationsExpired()).isEqualTo(1);
        assertThat(client.get("/api/conversations/" + chat).status()).isEqualTo(404);
      }
      server.clock.set(start.plus(Duration.ofDays(expected.usageDays() - 1)));
      var before = server.confide.retention.run();
      assertThat(before.usageRecordsExpired()).isZero();
      assertThat(before.conversationsExpired()).isZero();
      server.clock.set(start.plus(Duration.ofDays(expected.usageDays() + 1)));
      assertThat(server.confide.retention.run().usageRecordsExpired()).isEqualTo(1);
      if (expected.chatRetention().equals("keep")) {
        assertThat(client.get("/api/conversations/" + chat).status()).as("kept until deleted").isEqualTo(200);
      }

      String page = server.client().get("/privacy").text();
      assertThat(page).contains(expected.pageSays());
      JsonNode numbers = server.client().get("/api/privacy/policy").json();
      assertThat(numbers.at("/defaults/chatRetentionDays").asText()).isEqualTo(expected.chatRetention());
      assertThat(numbers.at("/retention/usageDays").asInt()).isEqualTo(expected.usageDays());
    }
  }
}
