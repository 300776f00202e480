package dev.confide.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.testing.ApiClient;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.Integrity;
import dev.confide.testing.ServerProcess;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real server in a child JVM serves chat turns (JSON and streamed), comparisons and erasures
 * from several client threads, and is killed with SIGKILL mid-load. After a restart on the same
 * data, everything it acknowledged is there with the exact content (through the API and the
 * engine), every erasure it acknowledged is complete, the audit chain verifies, every subject key
 * opens and no half-written row exists ({@link Integrity}).
 */
@Tag("P02")
@Tag("P18")
@Tag("P22")
@Tag("P25")
class KillUnderLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple 1";
  private static final int CHAT_THREADS = 3;
  /** Acknowledged writes to wait for before the kill: enough that the kill lands mid-load. */
  private static final int ACKS_BEFORE_KILL = 40;

  @TempDir Path tmp;

  record Turn(String email, UUID conversation, UUID userMessage, String prompt, UUID answer, String content) {}

  record Compared(String email, UUID conversation, UUID comparison, UUID answerA, String contentA) {}

  record Erased(String email, UUID subject) {}

  private final Queue<Turn> turns = new ConcurrentLinkedQueue<>();
  private final Queue<Compared> comparisons = new ConcurrentLinkedQueue<>();
  private final Queue<Erased> erasures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger acks = new AtomicInteger();
  private final AtomicBoolean killed = new AtomicBoolean();

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void everyAcknowledgedWriteSurvivesAKillMinus9(TestBackend backend) throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().echo().delayPerWord(2);
         TestBackend.Location location = backend.newLocation(tmp)) {
      String yaml = upstream.providerYaml(20_000) + """
          rateLimits:
            perSubject: {requestsPerMinute: 100000, tokensPerMinute: 100000000}
            perApiKey: {requestsPerMinute: 100000, tokensPerMinute: 100000000}
          """;
      List<String> emails = new ArrayList<>();
      try (ServerProcess first = ServerProcess.start(location, tmp, yaml, "serve-1")) {
        for (int i = 0; i < CHAT_THREADS; i++) {
          String email = "load" + i + "@example.com";
          assertThat(first.client().signUp("Load " + i, email, PASSWORD, "1990-01-01").status()).isEqualTo(201);
          emails.add(email);
        }
        ExecutorService load = Executors.newFixedThreadPool(CHAT_THREADS + 1);
        for (int i = 0; i < CHAT_THREADS; i++) {
          int n = i;
          load.submit(() -> chatUntilKilled(first, emails.get(n), n));
        }
        load.submit(() -> eraseUntilKilled(first));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acks.get() < ACKS_BEFORE_KILL && System.nanoTime() < giveUp) {
          Thread.sleep(20);
        }
        killed.set(true);
        first.kill(); // SIGKILL while requests are in flight
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(turns).isNotEmpty();
      assertThat(comparisons).isNotEmpty();

      try (ServerProcess second = ServerProcess.start(location, tmp, yaml, "serve-2")) {
        assertThat(second.client().get("/readyz").status()).isEqualTo(200);
        for (String email : emails) {
          ApiClient client = second.client();
          assertThat(client.logIn(email, PASSWORD).status()).isEqualTo(200);
          for (Turn t : turns.stream().filter(t -> t.email().equals(email)).toList()) {
            ApiClient.Response view = client.get("/api/conversations/" + t.conversation());
            assertThat(view.status()).isEqualTo(200);
            assertThat(contentOf(view.json(), t.userMessage())).as("user message of an acknowledged turn").isEqualTo(t.prompt());
            assertThat(contentOf(view.json(), t.answer())).as("acknowledged answer").isEqualTo(t.content());
          }
          for (Compared c : comparisons.stream().filter(c -> c.email().equals(email)).toList()) {
            ApiClient.Response decided = client.post("/api/comparisons/" + c.comparison() + "/decision", Map.of("choice", "a"));
            assertThat(decided.status()).as("acknowledged comparison %s", c.comparison()).isEqualTo(200);
            assertThat(decided.json().get("keptMessageId").asText()).isEqualTo(c.answerA().toString());
            ApiClient.Response view = client.get("/api/conversations/" + c.conversation());
            assertThat(contentOf(view.json(), c.answerA())).isEqualTo(c.contentA());
          }
        }
        for (Erased e : erasures) {
          assertThat(second.client().logIn(e.email(), PASSWORD).status()).as("erased %s", e.email()).isEqualTo(401);
        }
        second.stop();
      }

      try (Confide engine = Confide.open(TestServer.config(location, tmp, yaml), Clock.systemUTC())) {
        assertThat(Integrity.problems(engine)).isEmpty();
        for (Erased e : erasures) {
          assertThat(engine.erasure.isErased(e.subject())).isTrue();
          assertThat(engine.subjectKeys.exists(e.subject())).isFalse();
        }
        for (Turn t : turns) {
          UUID subject = engine.accounts.findByEmail(t.email()).orElseThrow();
          var view = engine.chat.conversations().view(subject, t.conversation());
          assertThat(view.messages()).anySatisfy(turn -> {
            assertThat(turn.message().id()).isEqualTo(t.answer());
            assertThat(turn.message().content()).isEqualTo(t.content());
            assertThat(turn.message().status()).isEqualTo("complete");
          });
        }
      }
    }
  }

  /** Turns (JSON and streamed, alternating) in a conversation of a few turns, and a comparison after each. */
  private void chatUntilKilled(ServerProcess server, String email, int thread) {
    ApiClient client = server.client();
    try {
      assertThat(client.logIn(email, PASSWORD).status()).isEqualTo(200);
      for (int round = 0; !killed.get(); round++) {
        UUID conversation = null;
        for (int turn = 0; turn < 3 && !killed.get(); turn++) {
          String prompt = "thread " + thread + " round " + round + " turn " + turn + " " + UUID.randomUUID();
          boolean stream = (round + turn) % 2 == 1;
          String path = conversation == null ? "/api/conversations" : "/api/conversations/" + conversation + "/messages";
          ApiClient.Response r = client.send("POST", path, JSON.writeValueAsString(Map.of("content", prompt, "model", "fake-model")),
              stream ? Map.of("Accept", "text/event-stream") : Map.of());
          JsonNode done = stream ? doneEvent(r.text()) : r.status() == 201 ? r.json() : null;
          if (r.status() != 201 && !(stream && r.status() == 200) || done == null) {
            continue;
          }
          conversation = UUID.fromString(done.get("conversationId").asText());
          turns.add(new Turn(email, conversation, UUID.fromString(done.get("userMessageId").asText()), prompt,
              UUID.fromString(done.path("message").get("id").asText()), done.path("message").get("content").asText()));
          acks.incrementAndGet();
        }
        if (conversation == null || killed.get()) {
          continue;
        }
        ApiClient.Response r = client.post("/api/conversations/" + conversation + "/compare",
            Map.of("content", "compare " + UUID.randomUUID(), "models", List.of("fake-model", "fake-model-2")));
        if (r.status() == 201) {
          JsonNode a = r.json().get("answers").get(0);
          comparisons.add(new Compared(email, conversation, UUID.fromString(r.json().get("id").asText()),
              UUID.fromString(a.get("messageId").asText()), a.get("content").asText()));
          acks.incrementAndGet();
        }
      }
    } catch (UncheckedIOException | com.fasterxml.jackson.core.JsonProcessingException e) {
      // the server was killed mid-request: that request was never acknowledged
    }
  }

  /** Sign-up, one turn, erasure; again and again. */
  private void eraseUntilKilled(ServerProcess server) {
    try {
      for (int i = 0; !killed.get(); i++) {
        ApiClient client = server.client();
        String email = "erase" + i + "-" + UUID.randomUUID() + "@example.com";
        if (client.signUp("Eraser " + i, email, PASSWORD, "1990-01-01").status() != 201) {
          continue;
        }
        client.post("/api/conversations", Map.of("content", "soon gone " + i, "model", "fake-model"));
        ApiClient.Response r = client.delete("/api/me");
        if (r.status() == 200) {
          JsonNode payload = JSON.readTree(r.json().path("receipt").path("payload").asText());
          erasures.add(new Erased(email, UUID.fromString(payload.get("subject").asText())));
          acks.incrementAndGet();
        }
      }
    } catch (UncheckedIOException | com.fasterxml.jackson.core.JsonProcessingException e) {
      // killed mid-request
    }
  }

  /** The {@code done} event's JSON of a complete server-sent-event answer, or null when the stream broke off. */
  private static JsonNode doneEvent(String sse) throws com.fasterxml.jackson.core.JsonProcessingException {
    int at = sse.indexOf("event: done");
    if (at < 0) {
      at = sse.indexOf("event:done");
    }
    if (at < 0) {
      return null;
    }
    int data = sse.indexOf("data:", at);
    int end = sse.indexOf('\n', data);
    return JSON.readTree(sse.substring(data + 5, end < 0 ? sse.length() : end).trim());
  }

  private static String contentOf(JsonNode view, UUID message) {
    for (JsonNode m : view.get("messages")) {
      if (m.get("id").asText().equals(message.toString())) {
        return m.get("content").asText();
      }
    }
    return null;
  }
}
