package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cli.ConfideCommand;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestRedis;
import dev.confide.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

class UsageAndLimitsTest {
  @TempDir Path tmp;

  private static Map<String, Object> ask(String content) {
    return Map.of("model", "builtin-echo", "messages", List.of(Map.of("role", "user", "content", content)));
  }

  @Tag("P07")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void everyRequestLeavesAUsageRecordWithMetricsOnly(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Usage User", "usage@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ada.post("/api/conversations", Map.of("content", "count these words please", "model", "builtin-echo"));
      ada.post("/api/conversations", Map.of("content", "and these", "model", "builtin-tiny"));
      List<Map<String, Object>> records = server.confide.database.jdbi().withHandle(h ->
          h.createQuery("SELECT * FROM usage_records ORDER BY created_at").mapToMap().list());
      assertThat(records).hasSize(2);
      Map<String, Object> first = records.get(0);
      assertThat(first.get("endpoint")).isEqualTo("app");
      assertThat(first.get("model")).isEqualTo("builtin-echo");
      assertThat(first.get("provider")).isEqualTo("confide-builtin");
      assertThat(((Number) first.get("input_chars")).intValue()).isEqualTo("count these words please".length());
      assertThat(((Number) first.get("prompt_tokens")).intValue()).isPositive();
      assertThat(((Number) first.get("completion_tokens")).intValue()).isPositive();
      assertThat(first.get("ttft_ms")).isNotNull();
      assertThat(first.get("status")).isEqualTo("ok");
      assertThat(first.get("api_key_id")).isNull();
      assertThat(records.toString()).doesNotContain("count these words");

      JsonNode usage = ada.get("/api/usage?days=7").json().get("data");
      assertThat(usage).extracting(u -> u.get("model").asText()).containsExactly("builtin-echo", "builtin-tiny");
      assertThat(usage.get(0).get("day").asText()).isEqualTo("2026-11-02");
      assertThat(ada.get("/api/usage?days=0").errorCode()).isEqualTo("invalid_days");
    }
  }

  @Tag("P40")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void requestAndTokenLimitsPerSubjectAndPerKeyInMemory(TestBackend backend) {
    String limits = "rateLimits:\n  perSubject: {requestsPerMinute: 4, tokensPerMinute: 400}\n"
        + "  perApiKey: {requestsPerMinute: 2, tokensPerMinute: 400}\n";
    try (TestServer server = TestServer.start(backend, tmp, limits, false)) {
      assertLimits(server);
    }
  }

  @Tag("P40")
  @Test
  void theSameLimitsHoldAcrossTwoInstancesSharingRedis() throws Exception {
    String redis = TestRedis.require();
    String limits = "redis: {url: \"" + redis + "\"}\nrateLimits:\n  perSubject: {requestsPerMinute: 4, tokensPerMinute: 400}\n"
        + "  perApiKey: {requestsPerMinute: 2, tokensPerMinute: 400}\n";
    try (TestServer server = TestServer.start(TestBackend.H2, tmp, limits, false)) {
      assertLimits(server);
    }
    // Two instances on one database: buckets are shared through Redis.
    try (TestServer a = TestServer.start(TestBackend.POSTGRESQL, tmp.resolve("a"), limits, false)) {
      ApiClient ada = a.client();
      ada.signUp("Shared", "shared@example.com", GatewayTest.PASSWORD, "1990-01-01");
      var configB = TestServer.config(a.location(), tmp.resolve("a"), limits) /* same root key */;
      try (dev.confide.app.Confide confideB = dev.confide.app.Confide.open(configB, a.clock)) {
        var subject = a.confide.accounts.authenticate("shared@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
        for (int i = 0; i < 2; i++) {
          assertThat(ada.post("/v1/chat/completions", ask("on a " + i)).status()).isEqualTo(200);
          confideB.chat.complete(new dev.confide.chat.ChatService.Caller(subject, null, "api"), null,
              List.of(dev.confide.models.ChatMessage.user("on b " + i)), "builtin-echo", dev.confide.chat.ChatService.Options.DEFAULT)
              .run(dev.confide.models.DeltaSink.IGNORE);
        }
        Response fifth = ada.post("/v1/chat/completions", ask("one too many"));
        assertThat(fifth.status()).as("4 per minute across both instances").isEqualTo(429);
      }
    }
  }

  private static void assertLimits(TestServer server) {
    ApiClient ada = server.client();
    ada.signUp("Limited", "limited-" + UUID.randomUUID() + "@example.com", GatewayTest.PASSWORD, "1990-01-01");
    String secret = ada.post("/api/keys", Map.of()).json().get("secret").asText();
    ApiClient key = server.client().withBearer(secret);
    assertThat(key.post("/v1/chat/completions", ask("one")).status()).isEqualTo(200);
    assertThat(key.post("/v1/chat/completions", ask("two")).status()).isEqualTo(200);
    Response keyLimited = key.post("/v1/chat/completions", ask("three"));
    assertThat(keyLimited.status()).as("2 per minute for the key").isEqualTo(429);
    assertThat(keyLimited.errorCode()).isEqualTo("rate_limited");
    assertThat(keyLimited.json().at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(keyLimited.headers().firstValue("Retry-After").map(Integer::parseInt).orElseThrow()).isBetween(1, 60);

    assertThat(ada.post("/v1/chat/completions", ask("three via the session")).status()).isEqualTo(200);
    assertThat(ada.post("/v1/chat/completions", ask("four")).status()).isEqualTo(200);
    assertThat(ada.post("/v1/chat/completions", ask("five")).status()).as("4 per minute for the subject").isEqualTo(429);
    assertThat(ada.post("/api/conversations", Map.of("content", "native too", "model", "builtin-echo")).status()).isEqualTo(429);

    server.clock.advance(Duration.ofMinutes(1));
    assertThat(key.post("/v1/chat/completions", ask("a new minute")).status()).isEqualTo(200);
    Response tooBig = ada.post("/v1/chat/completions", ask("word ".repeat(500)));
    assertThat(tooBig.status()).as("the prompt alone is over 400 tokens per minute").isEqualTo(429);
    assertThat(tooBig.json().at("/error/message").asText()).contains("tokens");
  }

  @Tag("P41")
  @Tag("P14")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void billingExportsPerSubjectTotalsUnderPseudonyms(TestBackend backend) throws Exception {
    TestBackend.Location location = backend.newLocation(tmp);
    var config = TestServer.config(location, tmp, "");
    try (dev.confide.app.Confide confide = dev.confide.app.Confide.open(config, dev.confide.testing.MutableClock.at("2026-11-15T12:00:00Z"))) {
      UUID ada = confide.accounts.signUp(new dev.confide.identity.NewAccount("Ada", "bill-ada@example.com", GatewayTest.PASSWORD.toCharArray(),
          java.time.LocalDate.of(1990, 1, 1)));
      UUID bob = confide.accounts.signUp(new dev.confide.identity.NewAccount("Bob", "bill-bob@example.com", GatewayTest.PASSWORD.toCharArray(),
          java.time.LocalDate.of(1990, 1, 1)));
      for (UUID subject : List.of(ada, ada, bob)) {
        confide.chat.complete(new dev.confide.chat.ChatService.Caller(subject, null, "api"), null,
            List.of(dev.confide.models.ChatMessage.user("bill me")), "builtin-echo", dev.confide.chat.ChatService.Options.DEFAULT)
            .run(dev.confide.models.DeltaSink.IGNORE);
      }
      // An answer the client stopped reading was generated and delivered up to there: billed. One the
      // model failed to give is not.
      for (String status : List.of("client_closed", "upstream_error")) {
        confide.usage.record(new dev.confide.usage.UsageRecord(bob, null, "api", "builtin-echo", "confide-builtin", 5, 7, 3,
            4, 10, 5L, status, null, "off", null));
      }
      Path file = tmp.resolve("cli.yaml");
      StringBuilder yaml = new StringBuilder("dataDir: " + config.dataDir() + "\n");
      if (config.database().url() != null) {
        yaml.append("database: {url: \"").append(config.database().url()).append("\", schema: ").append(config.database().schema()).append("}\n");
      }
      Files.writeString(file, yaml);
      String csv = run("--config", file.toString(), "usage", "export", "--period", "2026-11", "--format", "csv");
      List<String> lines = csv.lines().toList();
      assertThat(lines.get(0)).isEqualTo("period,subject,model,requests,prompt_tokens,completion_tokens,total_tokens");
      assertThat(lines).hasSize(3);
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("2026-11," + confide.usage.pseudonym(ada) + ",builtin-echo,2,"));
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("2026-11," + confide.usage.pseudonym(bob) + ",builtin-echo,2,"));
      assertThat(csv).doesNotContain(ada.toString()).doesNotContain(bob.toString()).doesNotContain("bill-ada");
      JsonNode json = new ObjectMapper().readTree(run("--config", file.toString(), "usage", "export", "--period", "2026-11", "--format", "json"));
      assertThat(json.get("lines")).hasSize(2);
      assertThat(run("--config", file.toString(), "usage", "export", "--period", "2026-10").lines()).as("nothing in October").hasSize(1);
      assertThat(confide.disclosureLog.log(dev.confide.disclosure.DisclosureLog.Filter.all()))
          .extracting(e -> e.processor() + "/" + e.purpose() + "/" + e.category() + "/" + e.flows() + "/" + e.records())
          .as("P14: each export is one flow per subject to the policy's payment processor")
          .containsExactly("Stripe/billing/usage/4/4");
      StringWriter refused = new StringWriter();
      CommandLine elsewhere = ConfideCommand.commandLine();
      elsewhere.setErr(new PrintWriter(refused));
      assertThat(elsewhere.execute("--config", file.toString(), "usage", "export", "--period", "2026-11",
          "--processor", "Google Analytics")).isNotZero();
      assertThat(refused.toString()).contains("unregistered_flow");
      StringWriter err = new StringWriter();
      CommandLine cli = ConfideCommand.commandLine();
      cli.setErr(new PrintWriter(err));
      assertThat(cli.execute("--config", file.toString(), "usage", "export", "--period", "November")).isNotZero();
      assertThat(err.toString()).contains("invalid_period");
    } finally {
      location.close();
    }
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = ConfideCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }
}
