package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.analytics.AnonymousEvents;
import dev.confide.chat.DecisionEvent;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The native chat API: history, versions, deletion, comparisons, decisions, feedback. */
class ChatApiTest {
  @TempDir Path tmp;

  private static ApiClient signedUp(TestServer server, String email) {
    ApiClient client = server.client();
    assertThat(client.signUp("Chat User", email, GatewayTest.PASSWORD, "1990-01-01").status()).isEqualTo(201);
    return client;
  }

  private static JsonNode turn(ApiClient client, String conversation, String content, String model) {
    Response r = conversation == null ? client.post("/api/conversations", Map.of("content", content, "model", model))
        : client.post("/api/conversations/" + conversation + "/messages", Map.of("content", content, "model", model));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  @Tag("P02")
  @Tag("P10")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void editsAndRegenerationsKeepEarlierVersionsAndShowTheCurrentBranch(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "versions@example.com");
      JsonNode first = turn(ada, null, "first question", "builtin-echo");
      String conversation = first.get("conversationId").asText();
      JsonNode second = turn(ada, conversation, "second question", "builtin-echo");
      assertThat(second.at("/message/content").asText()).isEqualTo("second question");

      Response edited = ada.post("/api/messages/" + second.get("userMessageId").asText() + "/edit",
          Map.of("content", "second question, edited", "model", "builtin-echo"));
      assertThat(edited.status()).isEqualTo(201);
      JsonNode view = ada.get("/api/conversations/" + conversation).json();
      assertThat(view.get("messages")).extracting(m -> m.get("content").asText())
          .containsExactly("first question", "first question", "second question, edited", "second question, edited");
      assertThat(view.at("/messages/2/version").asInt()).isEqualTo(2);
      assertThat(view.at("/messages/2/versions").asInt()).as("the original edit is kept").isEqualTo(2);

      String answer = edited.json().at("/message/id").asText();
      Response regenerated = ada.post("/api/messages/" + answer + "/regenerate", Map.of("model", "builtin-tiny"));
      assertThat(regenerated.status()).isEqualTo(201);
      view = ada.get("/api/conversations/" + conversation).json();
      assertThat(view.at("/messages/3/model").asText()).isEqualTo("builtin-tiny");
      assertThat(view.at("/messages/3/versions").asInt()).isEqualTo(2);
      assertThat(view.get("messages")).hasSize(4);
      assertThat(view.get("title").asText()).isEqualTo("first question");

      Response notAnswer = ada.post("/api/messages/" + second.get("userMessageId").asText() + "/regenerate", Map.of());
      assertThat(notAnswer.errorCode()).isEqualTo("not_an_answer");
      Response notUser = ada.post("/api/messages/" + answer + "/edit", Map.of("content", "x", "model", "builtin-echo"));
      assertThat(notUser.errorCode()).isEqualTo("not_a_user_message");
    }
  }

  @Tag("P03")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void deletedChatsAreGoneFromEveryReadPath(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "delete@example.com");
      String secret = ada.post("/api/keys", Map.of()).json().get("secret").asText();
      String one = turn(ada, null, "chat one", "builtin-echo").get("conversationId").asText();
      server.clock.advance(java.time.Duration.ofSeconds(1));
      String two = turn(ada, null, "chat two", "builtin-echo").get("conversationId").asText();
      JsonNode answer = turn(ada, two, "more", "builtin-echo");
      server.clock.advance(java.time.Duration.ofSeconds(1));
      String three = turn(ada, null, "chat three", "builtin-echo").get("conversationId").asText();

      assertThat(ada.delete("/api/conversations/" + one).status()).isEqualTo(204);
      assertThat(ada.get("/api/conversations/" + one).status()).isEqualTo(404);
      assertThat(ada.delete("/api/conversations/" + one).status()).as("already gone").isEqualTo(404);
      assertThat(ada.get("/api/conversations").json().get("data")).extracting(c -> c.get("id").asText()).containsExactly(three, two);
      Response viaHeader = ada.withCsrf(ada.csrfToken()).send("POST", "/v1/chat/completions",
          "{\"model\":\"builtin-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", Map.of("X-Confide-Conversation", one));
      assertThat(viaHeader.status()).isEqualTo(404);

      Response all = ada.delete("/api/conversations");
      assertThat(all.json().get("deleted").asInt()).isEqualTo(2);
      assertThat(ada.get("/api/conversations").json().get("data")).isEmpty();
      assertThat(ada.get("/api/conversations/" + two).status()).isEqualTo(404);
      assertThat(ada.post("/api/messages/" + answer.at("/message/id").asText() + "/feedback", Map.of("rating", "up")).status())
          .isEqualTo(404);
      assertThat(server.client().withBearer(secret).get("/api/conversations/" + three).status()).isEqualTo(404);
      long rows = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM conversations) + (SELECT COUNT(*) FROM message_feedback)")
          .mapTo(Long.class).one());
      assertThat(rows).as("the rows are deleted, not hidden").isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void historyIsPagedNewestActivityFirst(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "paging@example.com");
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        server.clock.advance(java.time.Duration.ofMinutes(1));
        ids.add(turn(ada, null, "chat " + i, "builtin-echo").get("conversationId").asText());
      }
      server.clock.advance(java.time.Duration.ofMinutes(1));
      turn(ada, ids.get(0), "revived", "builtin-echo");
      JsonNode page1 = ada.get("/api/conversations?limit=2").json();
      assertThat(page1.get("data")).extracting(c -> c.get("id").asText()).containsExactly(ids.get(0), ids.get(4));
      JsonNode page2 = ada.get("/api/conversations?limit=2&cursor=" + page1.get("nextCursor").asText()).json();
      assertThat(page2.get("data")).extracting(c -> c.get("id").asText()).containsExactly(ids.get(3), ids.get(2));
      JsonNode page3 = ada.get("/api/conversations?limit=2&cursor=" + page2.get("nextCursor").asText()).json();
      assertThat(page3.get("data")).extracting(c -> c.get("id").asText()).containsExactly(ids.get(1));
      assertThat(page3.get("nextCursor").isNull()).isTrue();
      assertThat(ada.get("/api/conversations?limit=0").errorCode()).isEqualTo("invalid_limit");
      assertThat(ada.get("/api/conversations?cursor=garbage!").errorCode()).isEqualTo("invalid_cursor");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void noCallerCanSeeOrTouchAnotherSubjectsChats(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "ada@example.com");
      ApiClient eve = signedUp(server, "eve@example.com");
      JsonNode t = turn(ada, null, "ada's secret", "builtin-echo");
      String conversation = t.get("conversationId").asText();
      String message = t.at("/message/id").asText();
      String prompt = t.get("userMessageId").asText();
      String comparison = ada.post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "compare", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
      List<Response> attempts = List.of(
          eve.get("/api/conversations/" + conversation),
          eve.delete("/api/conversations/" + conversation),
          eve.post("/api/conversations/" + conversation + "/messages", Map.of("content", "x", "model", "builtin-echo")),
          eve.post("/api/conversations/" + conversation + "/compare", Map.of("content", "x")),
          eve.post("/api/messages/" + prompt + "/edit", Map.of("content", "x", "model", "builtin-echo")),
          eve.post("/api/messages/" + message + "/regenerate", Map.of()),
          eve.post("/api/messages/" + message + "/feedback", Map.of("rating", "down")),
          eve.post("/api/comparisons/" + comparison + "/decision", Map.of("choice", "a")));
      for (Response r : attempts) {
        assertThat(r.status()).as(r.text()).isEqualTo(404);
        assertThat(r.text()).doesNotContain("ada's secret");
      }
      assertThat(eve.get("/api/conversations").json().get("data")).isEmpty();
      assertThat(ada.get("/api/conversations/" + conversation).json().get("messages")).hasSize(3);
      assertThat(ada.post("/api/comparisons/" + comparison + "/decision", Map.of("choice", "a")).status()).isEqualTo(200);
    }
  }

  @Tag("P02")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void whenOneSideOfAComparisonFailsTheOtherAnswerContinuesTheConversation(TestBackend backend) throws Exception {
    try (dev.confide.testing.FakeUpstream upstream = new dev.confide.testing.FakeUpstream()
             .mode(dev.confide.testing.FakeUpstream.Mode.STATUS_500);
         TestServer server = TestServer.start(backend, tmp, upstream.providerYaml(3000), false)) {
      ApiClient ada = signedUp(server, "half-compare@example.com");
      String conversation = turn(ada, null, "warm-up question", "builtin-echo").get("conversationId").asText();
      Response compared = ada.post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "one of you is down", "models", List.of("fake-model", "builtin-echo")));
      assertThat(compared.status()).isEqualTo(502);
      JsonNode messages = ada.get("/api/conversations/" + conversation).json().get("messages");
      assertThat(messages).extracting(m -> m.get("content").asText())
          .containsExactly("warm-up question", "warm-up question", "one of you is down", "one of you is down");
      assertThat(messages.get(3).get("role").asText()).isEqualTo("assistant");
      assertThat(ada.post("/api/messages/" + messages.get(3).get("id").asText() + "/regenerate", Map.of()).status())
          .as("no comparison holds it back").isEqualTo(201);
      long comparisons = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM comparisons")
          .mapTo(Long.class).one());
      assertThat(comparisons).isZero();
    }
  }

  @Tag("P05")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aComparisonIsBlindUntilTheDecisionWhichContinuesTheConversationAndEmitsAnEvent(TestBackend backend) {
    List<DecisionEvent> events = new CopyOnWriteArrayList<>();
    try (TestServer server = TestServer.start(backend, tmp, "", false, events::add)) {
      ApiClient ada = signedUp(server, "compare@example.com");
      String conversation = turn(ada, null, "warm-up question", "builtin-echo").get("conversationId").asText();
      Response compared = ada.post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "which is better?", "models", List.of("builtin-echo", "builtin-tiny")));
      assertThat(compared.status()).isEqualTo(201);
      JsonNode answers = compared.json().get("answers");
      assertThat(answers).extracting(a -> a.get("label").asText()).containsExactly("a", "b");
      assertThat(answers.get(0).get("content").asText()).isEqualTo("which is better?");
      assertThat(answers.get(0).has("model")).as("blind until decided").isFalse();
      Response peek = ada.post("/api/messages/" + answers.get(0).get("messageId").asText() + "/regenerate", Map.of());
      assertThat(peek.status()).as("a regenerated answer would name the model").isEqualTo(409);
      assertThat(peek.errorCode()).isEqualTo("comparison_undecided");
      assertThat(ada.get("/api/conversations/" + conversation).json().get("messages")).as("no answer joins before the decision")
          .hasSize(3);

      String id = compared.json().get("id").asText();
      assertThat(ada.post("/api/comparisons/" + id + "/decision", Map.of("choice", "maybe")).errorCode()).isEqualTo("invalid_choice");
      Response decided = ada.post("/api/comparisons/" + id + "/decision", Map.of("choice", "b"));
      assertThat(decided.status()).isEqualTo(200);
      assertThat(decided.json().at("/models/a").asText()).isEqualTo("builtin-echo");
      assertThat(decided.json().at("/models/b").asText()).isEqualTo("builtin-tiny");
      JsonNode messages = ada.get("/api/conversations/" + conversation).json().get("messages");
      assertThat(messages).hasSize(4);
      assertThat(messages.get(3).get("content").asText()).isEqualTo(answers.get(1).get("content").asText());
      assertThat(ada.post("/api/comparisons/" + id + "/decision", Map.of("choice", "a")).errorCode()).isEqualTo("already_decided");
      assertThat(ada.post("/api/messages/" + answers.get(1).get("messageId").asText() + "/regenerate", Map.of()).status())
          .as("once decided, the kept answer can be regenerated").isEqualTo(201);

      assertThat(events).hasSize(1);
      DecisionEvent event = events.get(0);
      assertThat(event.choice()).isEqualTo("b");
      assertThat(event.modelA()).isEqualTo("builtin-echo");
      assertThat(event.conversationBefore()).extracting(m -> m.role() + ":" + m.content())
          .as("the conversation up to the decision, without the compared answers")
          .containsExactly("user:warm-up question", "assistant:warm-up question", "user:which is better?");

      String second = ada.post("/api/conversations/" + conversation + "/compare", Map.of("content", "any two?")).json().get("id").asText();
      Response tie = ada.post("/api/comparisons/" + second + "/decision", Map.of("choice", "tie", "keep", "none"));
      assertThat(tie.json().get("keptMessageId").isNull()).isTrue();
      JsonNode after = ada.get("/api/conversations/" + conversation).json().get("messages");
      assertThat(after.get(after.size() - 1).get("content").asText()).as("kept neither: the branch ends at the question").isEqualTo("any two?");
      assertThat(ada.post("/api/conversations/" + conversation + "/compare", Map.of("content", "x", "models", List.of("builtin-echo")))
          .errorCode()).isEqualTo("invalid_models");
    }
  }

  @Tag("P06")
  @Tag("P10")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void thumbsStayWithTheMessageAndLeaveOnlyAnAnonymousCount(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "thumbs@example.com");
      JsonNode t = turn(ada, null, "rate me", "builtin-tiny");
      String message = t.at("/message/id").asText();
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "up")).status()).isEqualTo(200);
      assertThat(ada.get("/api/conversations/" + t.get("conversationId").asText()).json().at("/messages/1/rating").asText()).isEqualTo("up");
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "down")).status()).isEqualTo(200);
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "down")).status()).isEqualTo(200);
      assertThat(ada.get("/api/conversations/" + t.get("conversationId").asText()).json().at("/messages/1/rating").asText()).isEqualTo("down");
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "meh")).errorCode()).isEqualTo("invalid_rating");
      assertThat(ada.post("/api/messages/" + t.get("userMessageId").asText() + "/feedback", Map.of("rating", "up")).errorCode())
          .isEqualTo("not_an_answer");

      List<Map<String, Object>> events = server.confide.database.jdbi().withHandle(h ->
          h.createQuery("SELECT * FROM analytics_events").mapToMap().list());
      assertThat(events).hasSize(3); // up, retract up, down
      assertThat(events.get(0).keySet()).containsExactlyInAnyOrder("id", "kind", "model", "rating", "event_day");
      assertThat(events.toString()).doesNotContain("rate me").doesNotContain(t.get("conversationId").asText());
      AnonymousEvents analytics = server.confide.analytics;
      assertThat(analytics.netRatings().get("builtin-tiny")).containsEntry("down", 1L).containsEntry("up", 0L);
    }
  }

  @Tag("P26")
  @Tag("P28")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aRestrictedOrObjectingSubjectsThumbsAreKeptForThemButNotCounted(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "uncounted@example.com");
      java.util.UUID subject = server.confide.accounts.authenticate("uncounted@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      JsonNode t = turn(ada, null, "rate me quietly", "builtin-tiny");
      String message = t.at("/message/id").asText();
      AnonymousEvents analytics = server.confide.analytics;

      assertThat(ada.patch("/api/settings", Map.of("objections", Map.of("analytics", true))).status()).isEqualTo(200);
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "up")).status()).isEqualTo(200);
      assertThat(ada.get("/api/conversations/" + t.get("conversationId").asText()).json().at("/messages/1/rating").asText())
          .as("the rating stays with the subject's data").isEqualTo("up");
      assertThat(analytics.netRatings()).as("objecting to analytics: nothing counted").isEmpty();

      assertThat(ada.patch("/api/settings", Map.of("objections", Map.of("analytics", false))).status()).isEqualTo(200);
      server.confide.settings.change(subject, dev.confide.consent.SubjectSettings.Change.none().withRestricted(true), "staff", null);
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "down")).status()).isEqualTo(200);
      assertThat(analytics.netRatings()).as("restricted: nothing counted, and nothing retracted that was never counted").isEmpty();

      server.confide.settings.change(subject, dev.confide.consent.SubjectSettings.Change.none().withRestricted(false), "staff", null);
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "up")).status()).isEqualTo(200);
      assertThat(analytics.netRatings().get("builtin-tiny")).as("counted again once lifted").containsExactly(Map.entry("up", 1L));
      assertThat(ada.post("/api/messages/" + message + "/feedback", Map.of("rating", "down")).status()).isEqualTo(200);
      assertThat(analytics.netRatings().get("builtin-tiny")).containsEntry("up", 0L).containsEntry("down", 1L);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void nativeTurnsStreamAsServerSentEvents(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = signedUp(server, "sse@example.com");
      Response r = ada.send("POST", "/api/conversations", "{\"content\":\"stream this please\",\"model\":\"builtin-echo\"}",
          Map.of("Accept", "text/event-stream"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).startsWith("event: delta\ndata: {\"content\":\"stream\"}");
      assertThat(r.text()).contains("event: done").contains("\"conversationId\"");
      assertThat(ada.post("/api/conversations", Map.of("content", " ", "model", "builtin-echo")).errorCode()).isEqualTo("empty_message");
      assertThat(ada.post("/api/conversations", Map.of("content", "x", "model", "nope")).errorCode()).isEqualTo("model_not_found");
      assertThat(ada.post("/api/conversations", Map.of("content", "x")).errorCode()).isEqualTo("missing_field");
    }
  }
}
