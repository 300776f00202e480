package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.identity.StaffRole;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The model leaderboard from decision data and thumbs per model with differential privacy, through the staff API. */
class AnalyticsApiTest {
  @TempDir Path tmp;

  /** A comparison of echo (a) against tiny (b) in a fresh conversation, decided through the API. */
  private static void decide(ApiClient client, String choice) {
    String conversation = client.post("/api/conversations", Map.of("content", "warm up", "model", "builtin-echo"))
        .json().get("conversationId").asText();
    String id = client.post("/api/conversations/" + conversation + "/compare",
        Map.of("content", "which is better?", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
    assertThat(client.post("/api/comparisons/" + id + "/decision", Map.of("choice", choice)).status()).isEqualTo(200);
  }

  @Tag("P05")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theLeaderboardRanksTheModelPeoplePreferFirst(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Arena", "arena@example.com", GatewayTest.PASSWORD, "1990-01-01");
      for (String choice : List.of("a", "a", "a", "a", "a", "a", "a", "b", "tie", "both_bad")) {
        decide(ada, choice);
      }
      ApiClient analyst = server.staffClient("analyst@confide.test", StaffRole.ADMIN);
      Response board = analyst.get("/api/admin/analytics/leaderboard");
      assertThat(board.status()).isEqualTo(200);
      JsonNode entries = board.json().get("entries");
      assertThat(entries).extracting(e -> e.get("model").asText()).containsExactly("builtin-echo", "builtin-tiny");
      JsonNode best = entries.get(0);
      assertThat(best.get("rank").asInt()).isEqualTo(1);
      assertThat(best.get("wins").asLong()).isEqualTo(7);
      assertThat(best.get("losses").asLong()).isEqualTo(1);
      assertThat(best.get("ties").asLong()).isEqualTo(1);
      assertThat(best.get("rating").asDouble()).isGreaterThan(entries.get(1).get("rating").asDouble());
      assertThat(best.get("ciLower").asDouble()).isLessThanOrEqualTo(best.get("rating").asDouble());
      assertThat(best.get("ciUpper").asDouble()).isGreaterThanOrEqualTo(best.get("rating").asDouble());
      assertThat(board.json().get("decisions").asLong()).as("both_bad is left out").isEqualTo(9);
      assertThat(board.json().get("bothBad").asLong()).isEqualTo(1);

      Response csv = analyst.get("/api/admin/analytics/leaderboard?format=csv");
      assertThat(csv.status()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("leaderboard.csv");
      assertThat(csv.text().lines().toList()).hasSize(3).element(1).asString().startsWith("1,builtin-echo,");
      assertThat(analyst.get("/api/admin/analytics/leaderboard?format=xml").errorCode()).isEqualTo("invalid_format");
    }
  }

  @Tag("P06")
  @Tag("P13")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void thumbsPerModelAreReleasedWithNoiseUntilTheBudgetIsSpent(TestBackend backend) {
    String budget = "analytics: {thumbsEpsilonBudget: \"1\", thumbsEpsilonPerRelease: \"0.5\", thumbsMaxPerSubject: 2}\n";
    try (TestServer server = TestServer.start(backend, tmp, budget, false)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Thumbs", "thumbs@example.com", GatewayTest.PASSWORD, "1990-01-01");
      String answer = ada.post("/api/conversations", Map.of("content", "hello", "model", "builtin-echo")).json()
          .at("/message/id").asText();
      assertThat(ada.post("/api/messages/" + answer + "/feedback", Map.of("rating", "up")).status()).isEqualTo(200);
      ApiClient officer = server.staffClient("officer@confide.test", StaffRole.PRIVACY_OFFICER);

      Response first = officer.post("/api/admin/analytics/thumbs", Map.of());
      assertThat(first.status()).as(first.text()).isEqualTo(200);
      assertThat(first.json().get("models")).extracting(m -> m.get("model").asText())
          .as("every configured model, whatever the data holds").containsExactly("builtin-echo", "builtin-tiny");
      assertThat(first.json().get("epsilon").asText()).isEqualTo("0.5");
      assertThat(first.json().get("maxThumbsPerSubject").asInt()).isEqualTo(2);
      assertThat(first.json().get("noiseScale").asText()).as("m/ε = 2/0.5").isEqualTo("4");
      assertThat(first.json().at("/budget/remaining").asText()).isEqualTo("0.5");
      first.json().get("models").forEach(m -> assertThat(m.get("up").asLong()).isNotNegative());

      assertThat(officer.post("/api/admin/analytics/thumbs", Map.of("epsilon", "0.6")).errorCode())
          .as("more than is left").isEqualTo("privacy_budget_exhausted");
      assertThat(officer.post("/api/admin/analytics/thumbs", Map.of("epsilon", "0.5")).status()).isEqualTo(200);
      Response spent = officer.post("/api/admin/analytics/thumbs", Map.of());
      assertThat(spent.status()).isEqualTo(409);
      assertThat(spent.errorCode()).isEqualTo("privacy_budget_exhausted");
      assertThat(server.confide.privacyBudget.releases(dev.confide.analytics.ThumbsStatistics.BUDGET_PURPOSE)).hasSize(2);
      assertThat(officer.post("/api/admin/analytics/thumbs", Map.of("epsilon", "lots")).errorCode()).isEqualTo("invalid_epsilon");
    }
  }
}
