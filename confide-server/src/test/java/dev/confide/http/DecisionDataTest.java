package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.consent.SubjectSettings;
import dev.confide.testing.ApiClient;
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

@Tag("P05")
class DecisionDataTest {
  @TempDir Path tmp;

  private static void decide(ApiClient client, String warmup, String question) {
    String conversation = client.post("/api/conversations", Map.of("content", warmup, "model", "builtin-echo"))
        .json().get("conversationId").asText();
    String id = client.post("/api/conversations/" + conversation + "/compare",
        Map.of("content", question, "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
    assertThat(client.post("/api/comparisons/" + id + "/decision", Map.of("choice", "b")).status()).isEqualTo(200);
  }

  @Tag("P26")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void decisionsAreStoredAnonymizedWithoutTheComparedAnswersAndOnlyWithDataCollectionOn(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Decider", "decider@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID subject = server.confide.accounts.authenticate("decider@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      decide(ada, "my address is decider@example.com", "which answer is better?");

      var records = server.confide.decisionData.all();
      assertThat(records).hasSize(1);
      var record = records.get(0);
      assertThat(record.modelA()).isEqualTo("builtin-echo");
      assertThat(record.choice()).isEqualTo("b");
      assertThat(record.decidedOn()).isEqualTo(java.time.LocalDate.of(2026, 11, 2));
      assertThat(record.conversationJson()).contains("<EMAIL_ADDRESS>").doesNotContain("decider@example.com")
          .contains("which answer is better?");
      // The compared answers are not in it: echo's answer would repeat the question a second time.
      assertThat(record.conversationJson().split("which answer is better", -1)).hasSize(2);
      var columns = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM decision_records").mapToMap().list());
      assertThat(columns.get(0).keySet()).containsExactlyInAnyOrder("id", "decided_on", "model_a", "model_b", "choice", "conversation", "settled");
      assertThat(columns.toString()).doesNotContain(subject.toString());

      ada.patch("/api/settings", Map.of("dataCollection", false));
      decide(ada, "again", "and now?");
      assertThat(server.confide.decisionData.all()).as("data collection off").hasSize(1);
      ada.patch("/api/settings", Map.of("dataCollection", true));
      server.confide.settings.change(subject, SubjectSettings.Change.none().withRestricted(true), "staff", null);
      decide(ada, "restricted", "still?");
      assertThat(server.confide.decisionData.all()).as("restricted").hasSize(1);
      server.confide.settings.change(subject, SubjectSettings.Change.none().withRestricted(false), "staff", null);
      ada.patch("/api/settings", Map.of("objections", Map.of("product_improvement", true)));
      decide(ada, "objected", "now?");
      assertThat(server.confide.decisionData.all()).as("objection").hasSize(1);
    }
  }

  @Tag("P13")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aNameFoundOnceIsRedactedWhereverElseItAppearsInTheConversation(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp, TrainingExportTest.LUMIS, false)) {
      ApiClient ada = server.client();
      ada.signUp("Decider", "repeats@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ada.patch("/api/settings", Map.of("dataCollection", true)); // off by default in this preset
      decide(ada, "Hi, I am Zorvek Quill, patient of Dr. Anna Berg.", "Draft a note to anna berg saying zorvek quill will be late.");
      String stored = server.confide.decisionData.all().get(0).conversationJson().toLowerCase(java.util.Locale.ROOT);
      assertThat(stored).contains("draft a note to").doesNotContain("zorvek", "quill", "anna berg");

      java.io.StringWriter out = new java.io.StringWriter();
      server.confide.trainingExport.export(out, dev.confide.analytics.Epsilon.of("0.1"));
      String exported = out.toString().toLowerCase(java.util.Locale.ROOT);
      assertThat(exported).as("the training export too").contains("draft a note to").doesNotContain("zorvek", "quill", "anna berg");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void onceTheirDayIsOverRecordsAreRewrittenInRandomOrder(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Decider", "order@example.com", GatewayTest.PASSWORD, "1990-01-01");
      List<String> asked = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        asked.add("question number " + i);
        decide(ada, "warm-up " + i, asked.get(i));
      }
      var dc = server.confide.decisionData;
      java.time.LocalDate today = java.time.LocalDate.ofInstant(server.clock.instant(), java.time.ZoneOffset.UTC);
      assertThat(dc.settleBefore(today, new java.util.Random(7))).as("today's records wait for the day to end").isZero();
      assertThat(storageOrder(server, asked)).as("written in the order decided").isEqualTo(asked);

      List<String> before = dc.all().stream().map(r -> r.conversationJson()).sorted().toList();
      assertThat(dc.settleBefore(today.plusDays(1), new java.util.Random(7))).isEqualTo(8);
      assertThat(dc.all().stream().map(r -> r.conversationJson()).sorted().toList()).as("the same records").isEqualTo(before);
      assertThat(storageOrder(server, asked)).as("no longer the order decided").containsExactlyInAnyOrderElementsOf(asked)
          .isNotEqualTo(asked);
      assertThat(dc.settleBefore(today.plusDays(1), new java.util.Random(7))).as("once").isZero();
    }
  }

  /** The questions in the order the table gives its rows when nothing orders them: storage order. */
  private static List<String> storageOrder(TestServer server, List<String> asked) {
    List<String> rows = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT conversation FROM decision_records")
        .mapTo(String.class).list());
    return rows.stream().map(c -> asked.stream().filter(c::contains).findFirst().orElseThrow()).toList();
  }
}
