package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetentionTest {
  @TempDir Path tmp;

  /** API keys do not age like session cookies, so these clients outlive the months the clock moves. */
  private static ApiClient withKey(TestServer server, ApiClient session) {
    return server.client().withBearer(session.post("/api/keys", Map.of()).json().get("secret").asText());
  }

  private static ApiClient signedUpWithKey(TestServer server, String name, String email) {
    ApiClient session = server.client();
    session.signUp(name, email, GatewayTest.PASSWORD, "1990-01-01");
    return withKey(server, session);
  }

  private static String chat(ApiClient client, String content) {
    return client.post("/api/conversations", Map.of("content", content, "model", "builtin-echo")).json().get("conversationId").asText();
  }

  @Tag("P04")
  @Tag("P32")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void chatsGoAfterTheirSubjectsRetentionOfInactivity(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Instant start = server.clock.instant();
      ApiClient session = server.client();
      session.signUp("Default", "default@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient byDefault = withKey(server, session);
      session = server.client();
      session.signUp("Thirty", "thirty@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient thirty = withKey(server, session);
      thirty.patch("/api/settings", Map.of("chatRetentionDays", 30));
      session = server.client();
      session.signUp("Keeper", "keeper@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient keeper = withKey(server, session);
      keeper.patch("/api/settings", Map.of("chatRetentionDays", "keep"));
      String idle = chat(byDefault, "idle chat");
      String active = chat(byDefault, "active chat");
      String short1 = chat(thirty, "short-lived");
      String kept = chat(keeper, "kept forever");

      server.clock.advance(Duration.ofDays(60));
      byDefault.post("/api/conversations/" + active + "/messages", Map.of("content", "still here", "model", "builtin-echo"));

      var r29 = server.confide.retention.run(start.plus(Duration.ofDays(29)));
      assertThat(r29.conversationsExpired()).isZero();
      var r31 = server.confide.retention.run(start.plus(Duration.ofDays(31)));
      assertThat(r31.conversationsExpired()).isEqualTo(1);
      assertThat(thirty.get("/api/conversations/" + short1).status()).isEqualTo(404);

      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(89))).conversationsExpired()).isZero();
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(91))).conversationsExpired()).isEqualTo(1);
      assertThat(byDefault.get("/api/conversations/" + idle).status()).isEqualTo(404);
      assertThat(byDefault.get("/api/conversations/" + active).status()).as("its last activity was on day 60").isEqualTo(200);
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(151))).conversationsExpired()).isEqualTo(1);
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(3000))).conversationsExpired()).isZero();
      assertThat(keeper.get("/api/conversations/" + kept).status()).isEqualTo(200);
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(3000))).conversationsExpired()).as("idempotent").isZero();
    }
  }

  /**
   * With batches of two, the chat sweep pages through several batches, past conversations it must
   * keep, deleting each expired conversation's messages and ratings with it; pauses between batches
   * (the pacing) change nothing in what goes.
   */
  @Tag("P04")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theChatSweepWorksInPacedBatchesAndDeletesMessagesAndRatingsWithTheirConversations(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp, "retention: {batchSize: 2, pauseRatio: 0.5, maxRowsPerSecond: 100000}\n",
        false)) {
      Instant start = server.clock.instant();
      ApiClient expiring = signedUpWithKey(server, "Batches", "batches@example.com");
      ApiClient keeping = signedUpWithKey(server, "Keeps", "keeps@example.com");
      keeping.patch("/api/settings", Map.of("chatRetentionDays", "keep"));
      java.util.List<String> kept = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        var created = expiring.post("/api/conversations", Map.of("content", "expiring " + i, "model", "builtin-echo")).json();
        expiring.post("/api/messages/" + created.at("/message/id").asText() + "/feedback", Map.of("rating", "up"));
        kept.add(chat(keeping, "kept " + i));
        server.clock.advance(Duration.ofMinutes(1));
      }
      var expiringSubject = server.confide.accounts.findByEmail("batches@example.com").orElseThrow();
      String rowsOf = "SELECT (SELECT COUNT(*) FROM messages WHERE subject_id = :s) + (SELECT COUNT(*) FROM message_feedback"
          + " WHERE subject_id = :s) + (SELECT COUNT(*) FROM conversations WHERE subject_id = :s)";
      assertThat(count(server, rowsOf, expiringSubject)).isEqualTo(5 * 2 + 5 + 5);

      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(91))).conversationsExpired()).isEqualTo(5);
      assertThat(count(server, rowsOf, expiringSubject)).as("messages and ratings went with their conversations").isZero();
      for (String id : kept) {
        assertThat(keeping.get("/api/conversations/" + id).status()).isEqualTo(200);
      }
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(91))).conversationsExpired()).as("idempotent").isZero();
    }
  }

  private static long count(TestServer server, String sql, java.util.UUID subject) {
    return server.confide.database.jdbi().withHandle(h -> h.createQuery(sql).bind("s", subject).mapTo(Long.class).one());
  }

  @Tag("P04")
  @org.junit.jupiter.api.Test
  void subjectsWhoNeverChoseARetentionFollowTheDefaultWhenItChanges() throws Exception {
    Path dataDir;
    java.util.UUID ada;
    java.util.UUID bob;
    Instant start;
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      dataDir = server.config.dataPath();
      start = server.clock.instant();
      ApiClient adaClient = server.client();
      adaClient.signUp("Ada Default", "ada-default@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient bobClient = server.client();
      bobClient.signUp("Bob Chooser", "bob-chooser@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ada = server.confide.accounts.authenticate("ada-default@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      bob = server.confide.accounts.authenticate("bob-chooser@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      assertThat(adaClient.patch("/api/settings", Map.of("dataCollection", false)).status()).as("another setting").isEqualTo(200);
      assertThat(bobClient.patch("/api/settings", Map.of("chatRetentionDays", 90)).status()).as("the default's value, chosen")
          .isEqualTo(200);
      chat(adaClient, "ada's chat");
      chat(bobClient, "bob's chat");
    }
    String policy = dev.confide.policy.PolicyLoader.presetYaml("infuzu")
        .replace("chatRetentionDays: 90", "chatRetentionDays: 45").replace("    retention: 90\n", "    retention: 45\n");
    Path policyFile = java.nio.file.Files.writeString(tmp.resolve("shorter-default.yaml"), policy);
    var config = TestServer.config(new TestBackend.Location(dev.confide.store.DatabaseSettings.embedded(dataDir, 2), null), tmp,
        "policy: " + policyFile + "\n");
    try (dev.confide.app.Confide reopened = dev.confide.app.Confide.open(config, dev.confide.testing.MutableClock.at(start.toString()))) {
      assertThat(reopened.settings.get(ada).chatRetentionDays()).as("follows the new default").isEqualTo(45);
      assertThat(reopened.settings.get(ada).dataCollection()).isFalse();
      assertThat(reopened.settings.get(bob).chatRetentionDays()).as("kept their choice").isEqualTo(90);
      assertThat(reopened.retention.run(start.plus(Duration.ofDays(46))).conversationsExpired()).isEqualTo(1);
      assertThat(reopened.conversations.list(ada, 10, null).items()).isEmpty();
      assertThat(reopened.conversations.list(bob, 10, null).items()).hasSize(1);
    }
  }

  @Tag("P07")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void usageRecordsAreKeptTwoYears(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Instant start = server.clock.instant();
      ApiClient ada = server.client();
      ada.signUp("Usage", "usage-retention@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ada.patch("/api/settings", Map.of("chatRetentionDays", "keep"));
      chat(ada, "metered");
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(729))).usageRecordsExpired()).isZero();
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(731))).usageRecordsExpired()).isEqualTo(1);
    }
  }

  @Tag("P09")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void signInSessionsAreDeletedThirtyDaysAfterTheyEnded(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Instant start = server.clock.instant();
      ApiClient ada = server.client();
      ada.signUp("Sessions", "sessions-retention@example.com", GatewayTest.PASSWORD, "1990-01-01"); // expires in 30 days
      ApiClient again = server.client();
      again.logIn("sessions-retention@example.com", GatewayTest.PASSWORD);
      again.post("/api/auth/logout", null); // ended now
      java.util.function.LongSupplier rows = () -> server.confide.database.jdbi().withHandle(h ->
          h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Long.class).one());
      assertThat(rows.getAsLong()).isEqualTo(2);

      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(29))).sessionsEnded()).isZero();
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(31))).sessionsEnded()).as("the log-out").isEqualTo(1);
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(59))).sessionsEnded()).isZero();
      assertThat(server.confide.retention.due(start.plus(Duration.ofDays(61))).sessionsEnded()).isEqualTo(1);
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(61))).sessionsEnded()).as("the expired one").isEqualTo(1);
      assertThat(rows.getAsLong()).isZero();
    }
  }

  @Tag("P09")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void accessLogsKeepTheFullAddressThirtyDaysAndTheEntryTwoYears(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      Instant start = server.clock.instant();
      ApiClient ada = server.client();
      ada.send("POST", "/api/auth/signup", "{\"name\":\"Logged\",\"email\":\"logged@example.com\",\"password\":\""
          + GatewayTest.PASSWORD + "\",\"birthDate\":\"1990-01-01\"}", Map.of("User-Agent", "CanaryBrowser/1.0"));
      var subject = server.confide.accounts.authenticate("logged@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      ada.logIn("logged@example.com", GatewayTest.PASSWORD);
      var entries = server.confide.accessLog.of(subject);
      assertThat(entries).extracting(e -> e.kind()).containsExactly("signup", "login");
      assertThat(entries.get(0).ip()).isEqualTo("127.0.0.1");
      assertThat(entries.get(0).userAgent()).isEqualTo("CanaryBrowser/1.0");

      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(29))).addressesTruncated()).isZero();
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(31))).addressesTruncated()).isEqualTo(2);
      assertThat(server.confide.accessLog.of(subject)).allSatisfy(e -> assertThat(e.ip()).isEqualTo("127.0.0.0"));
      assertThat(server.confide.retention.run(start.plus(Duration.ofDays(731))).accessLogsExpired()).isEqualTo(2);
      assertThat(dev.confide.identity.AccessLog.truncate("2001:db8:85a3:8d3:1319:8a2e:370:7348")).isEqualTo("2001:db8:85a3::");
    }
  }
}
