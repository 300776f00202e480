package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.LogCapture;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The OpenAI-compatible gateway against a fake upstream that is a real HTTP server on loopback. */
class GatewayTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PASSWORD = "a long passphrase 42";

  /** A signed-up user with an API key. */
  record User(ApiClient session, ApiClient bearer, String secret) {}

  static User user(TestServer server, String email) {
    ApiClient session = server.client();
    assertThat(session.signUp("Gateway User", email, PASSWORD, "1990-01-01").status()).isEqualTo(201);
    String secret = session.post("/api/keys", Map.of("name", "test")).json().get("secret").asText();
    return new User(session, server.client().withBearer(secret), secret);
  }

  static Map<String, Object> completion(String model, String content, boolean stream) {
    return Map.of("model", model, "stream", stream, "stream_options", Map.of("include_usage", true),
        "messages", List.of(Map.of("role", "system", "content", "be brief"), Map.of("role", "user", "content", content)));
  }

  @Tag("P02")
  @Tag("P08")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void completionsAreAnsweredThreadedAndStoredSealed(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream();
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(2000), false)) {
      User ada = user(server, "gateway@example.com");
      Response first = ada.bearer().post("/v1/chat/completions", completion("fake-model", "Canary question about tides", false));
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().at("/object").asText()).isEqualTo("chat.completion");
      assertThat(first.json().at("/choices/0/message/content").asText()).isEqualTo("The fake model answers in several words.");
      assertThat(first.json().at("/usage/prompt_tokens").asInt()).as("the upstream's own count").isEqualTo(11);
      String conversation = first.headers().firstValue("X-Confide-Conversation").orElseThrow();
      assertThat(upstream.requests().get(0).at("/messages/1/content").asText()).isEqualTo("Canary question about tides");
      assertThat(upstream.requests().get(0).at("/stream_options/include_usage").asBoolean()).isTrue();

      Response second = ada.bearer().send("POST", "/v1/chat/completions",
          JSON.writeValueAsString(Map.of("model", "fake-model", "messages", List.of(
              Map.of("role", "user", "content", "Canary question about tides"),
              Map.of("role", "assistant", "content", "The fake model answers in several words."),
              Map.of("role", "user", "content", "And the moon?")))),
          Map.of("X-Confide-Conversation", conversation));
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.headers().firstValue("X-Confide-Conversation")).hasValue(conversation);

      JsonNode stored = ada.session().get("/api/conversations/" + conversation).json();
      assertThat(stored.get("messages")).extracting(m -> m.get("role").asText() + ":" + m.get("content").asText())
          .containsExactly("system:be brief", "user:Canary question about tides",
              "assistant:The fake model answers in several words.", "user:And the moon?",
              "assistant:The fake model answers in several words.");
      assertThat(stored.at("/messages/2/model").asText()).isEqualTo("fake-model");

      String raw = server.confide.database.jdbi().withHandle(h -> {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("messages", "conversations", "usage_records")) {
          h.createQuery("SELECT * FROM " + table).mapToMap().forEach(row -> row.values().forEach(v ->
              all.append(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v))));
        }
        return all.toString();
      });
      assertThat(raw).doesNotContain("Canary").doesNotContain("tides").doesNotContain("several words");

      JsonNode usage = ada.session().get("/api/usage").json().get("data");
      assertThat(usage).hasSize(1);
      assertThat(usage.get(0).get("requests").asInt()).isEqualTo(2);
      long keyed = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT COUNT(*) FROM usage_records WHERE api_key_id IS NOT NULL AND endpoint = 'api'").mapTo(Long.class).one());
      assertThat(keyed).as("API usage is tagged with its key (P08)").isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void streamingFollowsOpenAisChunkFormat(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().mode(FakeUpstream.Mode.NO_USAGE);
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(2000), false)) {
      User ada = user(server, "stream@example.com");
      for (String model : List.of("fake-model", "builtin-tiny")) {
        HttpResponse<String> r = stream(server, ada.secret(), completion(model, "Tell me a story", true), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> chunks = new ArrayList<>();
        String[] events = r.body().split("\n\n");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        for (int i = 0; i < events.length - 1; i++) {
          assertThat(events[i]).startsWith("data: ");
          chunks.add(JSON.readTree(events[i].substring(6)));
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk"));
        StringBuilder content = new StringBuilder();
        chunks.forEach(c -> content.append(c.at("/choices/0/delta/content").asText("")));
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).as("counted with jtokkit when the upstream gives none").isPositive();
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        String conversation = r.headers().firstValue("X-Confide-Conversation").orElseThrow();
        JsonNode stored = ada.session().get("/api/conversations/" + conversation).json();
        assertThat(stored.at("/messages/2/content").asText()).isEqualTo(content.toString());
        assertThat(stored.at("/messages/2/status").asText()).isEqualTo("complete");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void streamedChunksCarryAnyTextEscaped(TestBackend backend) throws Exception {
    String answer = "Quotes \" and \\ backslash, \n new line\ttab \u0001 control, </script> and \u00e9t\u00e9 \ud83d\ude00 done.";
    try (FakeUpstream upstream = new FakeUpstream().answer(answer);
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(2000), false)) {
      User ada = user(server, "escapes@example.com");
      HttpResponse<String> r = stream(server, ada.secret(), completion("fake-model", "Say something odd", true), null);
      assertThat(r.statusCode()).isEqualTo(200);
      String[] events = r.body().split("\n\n");
      assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
      StringBuilder content = new StringBuilder();
      for (int i = 0; i < events.length - 1; i++) {
        assertThat(events[i]).startsWith("data: ").doesNotContain("\n");
        JsonNode chunk = JSON.readTree(events[i].substring(6));
        assertThat(chunk.get("model").asText()).isEqualTo("fake-model");
        assertThat(chunk.get("id").asText()).startsWith("chatcmpl-");
        content.append(chunk.at("/choices/0/delta/content").asText(""));
      }
      assertThat(content.toString()).isEqualTo(answer);
      JsonNode stored = ada.session().get("/api/conversations/" + r.headers().firstValue("X-Confide-Conversation").orElseThrow()).json();
      assertThat(stored.at("/messages/2/content").asText()).isEqualTo(answer);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void upstreamFailuresMapToFittingStatusesAndKeepWhatArrived(TestBackend backend) throws Exception {
    try (LogCapture log = new LogCapture();
         FakeUpstream upstream = new FakeUpstream();
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(600), false)) {
      User ada = user(server, "faults@example.com");
      Object[][] cases = {
          {FakeUpstream.Mode.STATUS_429, 429, "upstream_rate_limited"},
          {FakeUpstream.Mode.STATUS_500, 502, "upstream_error"},
          {FakeUpstream.Mode.STATUS_400, 400, "upstream_rejected"},
          {FakeUpstream.Mode.MALFORMED, 502, "upstream_error"},
          {FakeUpstream.Mode.DROP_MID_STREAM, 502, "upstream_error"},
          {FakeUpstream.Mode.HANG, 504, "upstream_timeout"},
      };
      for (Object[] c : cases) {
        upstream.mode((FakeUpstream.Mode) c[0]);
        Response r = ada.bearer().post("/v1/chat/completions", completion("fake-model", "question during " + c[0], false));
        assertThat(r.status()).as(c[0].toString()).isEqualTo(c[1]);
        assertThat(r.errorCode()).as(c[0].toString()).isEqualTo(c[2]);
        assertThat(r.json().at("/error/type").asText()).isNotBlank();
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("question during");
        // The operator sees which provider failed and how, and nothing of the prompt.
        String kind = c[1].equals(429) ? "RATE_LIMITED" : c[1].equals(400) ? "REJECTED" : c[1].equals(504) ? "TIMEOUT" : "UPSTREAM_ERROR";
        assertThat(log.lines()).as(c[0].toString())
            .anyMatch(line -> line.contains("\"WARN\"") && line.contains("model provider {} failed")
                && line.contains("\"arguments\": [\"fake\",\"fake-model\",\"" + kind + "\""));
        assertThat(log.lines()).noneMatch(line -> line.contains("question during"));
        if (c[0] == FakeUpstream.Mode.STATUS_429) {
          assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
        }
        String conversation = r.headers().firstValue("X-Confide-Conversation").orElseThrow();
        JsonNode stored = ada.session().get("/api/conversations/" + conversation).json().get("messages");
        assertThat(stored.get(1).get("content").asText()).as("the user's message was stored before the call")
            .isEqualTo("question during " + c[0]);
        if (c[0] == FakeUpstream.Mode.DROP_MID_STREAM || c[0] == FakeUpstream.Mode.MALFORMED) {
          assertThat(stored.get(2).get("status").asText()).isEqualTo("failed");
          assertThat(stored.get(2).get("content").asText()).startsWith("The ");
        }
      }
      // Mid-stream, after the 200 went out: an error event, and the partial answer stored as failed.
      upstream.mode(FakeUpstream.Mode.DROP_MID_STREAM);
      HttpResponse<String> r = stream(server, ada.secret(), completion("fake-model", "streamed question", true), null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"error\"").contains("upstream_error");
      String conversation = r.headers().firstValue("X-Confide-Conversation").orElseThrow();
      JsonNode stored = ada.session().get("/api/conversations/" + conversation).json().get("messages");
      assertThat(stored.get(2).get("status").asText()).isEqualTo("failed");
      assertThat(server.confide.usage.dailyTotals(server.confide.accounts.authenticate("faults@example.com", PASSWORD.toCharArray()).orElseThrow(),
          server.clock.instant().minus(Duration.ofDays(1)), server.clock.instant().plusSeconds(60)).get(0).errors()).isEqualTo(7);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aClientThatLeavesMidStreamLeavesAPartialAnswerAndStopsTheUpstream(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().mode(FakeUpstream.Mode.SLOW)
             .answer("one two three four five six seven eight nine ten eleven twelve");
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(5000), false)) {
      User ada = user(server, "leaver@example.com");
      HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request(server, ada.secret(),
          completion("fake-model", "long answer please", true), null), HttpResponse.BodyHandlers.ofInputStream());
      String conversation = response.headers().firstValue("X-Confide-Conversation").orElseThrow();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        int dataLines = 0;
        while (dataLines < 3) {
          if (reader.readLine().startsWith("data: ")) {
            dataLines++;
          }
        }
      } // closing the body drops the connection
      JsonNode last = null;
      for (int i = 0; i < 100; i++) {
        JsonNode messages = ada.session().get("/api/conversations/" + conversation).json().get("messages");
        if (messages.size() == 3) {
          last = messages.get(2);
          break;
        }
        Thread.sleep(100);
      }
      assertThat(last).as("the partial answer was stored").isNotNull();
      assertThat(last.get("status").asText()).isEqualTo("partial");
      assertThat(last.get("content").asText()).startsWith("one two").doesNotContain("twelve");
      for (int i = 0; i < 50 && upstream.openStreams() > 0; i++) {
        Thread.sleep(100);
      }
      assertThat(upstream.openStreams()).as("the upstream stream was closed too").isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void conversationsOfOthersAreNotFound(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      User ada = user(server, "owner@example.com");
      User eve = user(server, "eve@example.com");
      Response mine = ada.bearer().post("/v1/chat/completions", completion("builtin-echo", "private", false));
      String conversation = mine.headers().firstValue("X-Confide-Conversation").orElseThrow();
      for (String header : List.of(conversation, "not-a-uuid", java.util.UUID.randomUUID().toString())) {
        Response r = eve.bearer().send("POST", "/v1/chat/completions", JSON.writeValueAsString(completion("builtin-echo", "sneak", false)),
            Map.of("X-Confide-Conversation", header));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
      }
      assertThat(ada.session().get("/api/conversations/" + conversation).json().get("messages")).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void malformedRequestsGetOpenAiStyle400s(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp, "gateway: {maxPromptChars: 2000}\n", false)) {
      User ada = user(server, "bad@example.com");
      Map<String, Object> user = Map.of("role", "user", "content", "hi");
      Object[][] cases = {
          {Map.of("messages", List.of(user)), "missing_model"},
          {Map.of("model", "no-such-model", "messages", List.of(user)), "model_not_found"},
          {Map.of("model", "builtin-echo", "messages", List.of()), "invalid_messages"},
          {Map.of("model", "builtin-echo"), "invalid_messages"},
          {Map.of("model", "builtin-echo", "messages", List.of(Map.of("role", "wizard", "content", "x"))), "invalid_role"},
          {Map.of("model", "builtin-echo", "messages", List.of(Map.of("role", "user", "content", " "))), "empty_message"},
          {Map.of("model", "builtin-echo", "messages", List.of(Map.of("role", "user", "content", 42))), "invalid_content"},
          {Map.of("model", "builtin-echo", "messages", List.of(Map.of("role", "user", "content", "x".repeat(2500)))), "context_length_exceeded"},
          {Map.of("model", "builtin-echo", "n", 2, "messages", List.of(user)), "invalid_n"},
          {Map.of("model", "builtin-echo", "temperature", 5, "messages", List.of(user)), "invalid_temperature"},
          {Map.of("model", "builtin-echo", "top_p", -1, "messages", List.of(user)), "invalid_top_p"},
          {Map.of("model", "builtin-echo", "max_tokens", 0, "messages", List.of(user)), "invalid_max_tokens"},
          {Map.of("model", "builtin-echo", "stream", "yes", "messages", List.of(user)), "invalid_stream"},
          {Map.of("model", "builtin-echo", "frobnicate", true, "messages", List.of(user)), "unknown_parameter"},
      };
      for (Object[] c : cases) {
        Response r = ada.bearer().post("/v1/chat/completions", c[0]);
        assertThat(r.status()).as(c[1].toString()).isEqualTo(400);
        assertThat(r.errorCode()).as(c[1].toString()).isEqualTo(c[1]);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
      }
      assertThat(ada.bearer().send("POST", "/v1/chat/completions", "{nope", Map.of()).errorCode()).isEqualTo("malformed_json");
      assertThat(server.client().post("/v1/chat/completions", Map.of("model", "builtin-echo")).status()).isEqualTo(401);
      Response parts = ada.bearer().post("/v1/chat/completions", Map.of("model", "builtin-echo", "user", "ignored",
          "messages", List.of(Map.of("role", "developer", "content", "sys"),
              Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "from "), Map.of("type", "text", "text", "parts"))))));
      assertThat(parts.status()).isEqualTo(200);
      assertThat(parts.json().at("/choices/0/message/content").asText()).isEqualTo("from parts");
      assertThat(server.confide.chat.conversations().list(server.confide.accounts.authenticate("bad@example.com",
          PASSWORD.toCharArray()).orElseThrow(), 100, null).items()).as("refused requests stored nothing").hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void modelsAreListedWithTheBuiltInsMarked(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream();
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(2000), false)) {
      User ada = user(server, "models@example.com");
      JsonNode models = ada.bearer().get("/v1/models").json();
      assertThat(models.get("object").asText()).isEqualTo("list");
      assertThat(models.get("data")).extracting(m -> m.get("id").asText() + "/" + m.get("owned_by").asText())
          .containsExactlyInAnyOrder("builtin-echo/confide-builtin", "builtin-tiny/confide-builtin", "fake-model/fake", "fake-model-2/fake");
      assertThat(server.client().get("/v1/models").status()).isEqualTo(401);
    }
  }

  @Tag("P02")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aStreamWhoseAnswerCannotBeStoredEndsWithAnErrorEventNotACutConnection(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().answer("one two three four five six seven eight nine ten").delayPerWord(60);
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(5000)
             + "database:\n  maxPoolSize: 3\n  connectionTimeoutMs: 500\n", false)) {
      User ada = user(server, "store-fails@example.com");
      HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(
          request(server, ada.secret(), completion("fake-model", "a question kept before the call", true), null),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      List<org.jdbi.v3.core.Handle> held = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          body.append(line).append('\n');
          if (held.isEmpty() && line.contains("\"content\":\"one")) {
            // The stream is under way: take every pooled connection, so the end of the turn cannot be stored.
            for (int i = 0; i < 3; i++) {
              held.add(server.confide.database.jdbi().open());
            }
          }
        }
      } finally {
        held.forEach(org.jdbi.v3.core.Handle::close);
      }
      assertThat(held).as("the stream was seen under way").hasSize(3);
      assertThat(body.toString()).contains("\"content\":\"ten\"")
          .contains("\"error\"").contains("database_unavailable")
          .doesNotContain("Exception").doesNotContain("[DONE]");
      String conversation = r.headers().firstValue("X-Confide-Conversation").orElseThrow();
      JsonNode stored = ada.session().get("/api/conversations/" + conversation).json().get("messages");
      assertThat(stored.get(stored.size() - 1).get("content").asText()).as("the user's message was stored before the call")
          .isEqualTo("a question kept before the call");
    }
  }

  @Tag("P03")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aChatDeletedWhileItsAnswerStreamsKeepsNothingOfTheTurn(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().answer("one two three four five six seven eight nine ten").delayPerWord(40);
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(5000), false)) {
      User ada = user(server, "deleted-mid-turn@example.com");
      HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(
          request(server, ada.secret(), completion("fake-model", "a question whose chat is deleted", true), null),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      String conversation = r.headers().firstValue("X-Confide-Conversation").orElseThrow();
      int deleted = 0;
      StringBuilder body = new StringBuilder();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          body.append(line).append('\n');
          if (deleted == 0 && line.contains("\"content\":\"one")) {
            deleted = ada.session().delete("/api/conversations/" + conversation).status();
          }
        }
      }
      assertThat(deleted).as("the chat was deleted while the answer streamed").isEqualTo(204);
      assertThat(body.toString()).as("the stream itself ran to its end").contains("\"content\":\"ten\"");
      assertThat(ada.session().get("/api/conversations/" + conversation).status()).isEqualTo(404);
      long rows = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM conversations)").mapTo(Long.class).one());
      assertThat(rows).as("no answer or question of the deleted chat was stored after the deletion").isZero();
    }
  }

  static HttpRequest request(TestServer server, String secret, Object body, String conversation) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (conversation != null) {
      b.header("X-Confide-Conversation", conversation);
    }
    return b.build();
  }

  static HttpResponse<String> stream(TestServer server, String secret, Object body, String conversation) throws Exception {
    return HttpClient.newHttpClient().send(request(server, secret, body, conversation), HttpResponse.BodyHandlers.ofString());
  }
}
