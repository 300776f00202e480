package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.analytics.Epsilon;
import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import dev.confide.training.TrainingExport;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P12")
@Tag("P13")
class TrainingExportTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The lumis policy uses content for training: its model providers receive the export (P14). */
  /** The preset whose registry has a processor for training data. */
  static final String LUMIS = "policy: lumis\n";

  private record Person(String email, ApiClient client, UUID subject) {}

  private static Person person(TestServer server, String name) {
    String email = name + "@example.com";
    ApiClient client = server.client();
    client.signUp(name, email, GatewayTest.PASSWORD, "1990-01-01");
    client.post("/api/conversations", Map.of("content", "Hello, I am " + name + ", write to " + email, "model", "builtin-echo"));
    return new Person(email, client, server.confide.accounts.authenticate(email, GatewayTest.PASSWORD.toCharArray()).orElseThrow());
  }

  private static List<JsonNode> export(TestServer server) throws Exception {
    StringWriter out = new StringWriter();
    server.confide.trainingExport.export(out, Epsilon.of("0.1"));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Tag("P26")
  @Tag("P28")
  @Tag("P31")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void onlySubjectsWhoAllowTrainingAreExportedPseudonymizedAndWithoutIds(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp, LUMIS, false)) {
      Person willing = person(server, "willing");
      Person optedOut = person(server, "optedout");
      Person restricted = person(server, "restricted");
      Person objector = person(server, "objector");
      Person patient = person(server, "patient");
      optedOut.client().patch("/api/settings", Map.of("trainingOptOut", true));
      server.confide.settings.change(restricted.subject(), SubjectSettings.Change.none().withRestricted(true), "staff", null);
      objector.client().patch("/api/settings", Map.of("objections", Map.of("training", true)));
      server.confide.accounts.setHipaa(patient.subject(), "BAA-2026-0042");

      List<JsonNode> lines = export(server);
      assertThat(lines).hasSize(1);
      JsonNode line = lines.get(0);
      String text = line.toString();
      assertThat(text).doesNotContain(willing.email()).doesNotContain(willing.subject().toString())
          .contains("<EMAIL_ADDRESS_1>");
      for (Person excluded : List.of(optedOut, restricted, objector, patient)) {
        assertThat(text).doesNotContain(excluded.email().substring(0, excluded.email().indexOf('@')));
      }
      assertThat(line.get("subject").asText()).startsWith("s_");
      assertThat(line.get("messages")).extracting(m -> m.get("role").asText()).containsExactly("user", "assistant");

      List<JsonNode> again = export(server);
      assertThat(again.get(0).get("subject").asText()).as("a fresh pseudonym per export").isNotEqualTo(line.get("subject").asText());

      willing.client().patch("/api/settings", Map.of("trainingOptOut", true));
      assertThat(export(server)).as("an opt-out takes effect for the next export").isEmpty();
      optedOut.client().patch("/api/settings", Map.of("trainingOptOut", false));
      assertThat(export(server)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theSummaryIsPaidFromThePrivacyBudgetAndRefusedOnceItIsSpent(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp,
        LUMIS + "training: {summaryEpsilonBudget: \"0.5\", epsilonPerCount: \"0.1\"}\n", false)) {
      person(server, "counted");
      StringWriter first = new StringWriter();
      TrainingExport.Summary summary = server.confide.trainingExport.export(first, Epsilon.of("0.1"));
      assertThat(summary.epsilonPerCount()).isEqualTo(Epsilon.of("0.1"));
      assertThat(server.confide.privacyBudget.balance(TrainingExport.BUDGET_PURPOSE).orElseThrow().remainingEpsilonMicros())
          .isEqualTo(200_000);
      assertThat(server.confide.privacyBudget.releases(TrainingExport.BUDGET_PURPOSE)).hasSize(3);

      StringWriter second = new StringWriter();
      assertThatThrownBy(() -> server.confide.trainingExport.export(second, Epsilon.of("0.1")))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("privacy_budget_exhausted"));
      assertThat(second.toString()).as("refused before anything was written").isEmpty();
      assertThat(server.confide.privacyBudget.releases(TrainingExport.BUDGET_PURPOSE)).hasSize(3);
    }
  }

  @Tag("P14")
  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theExportGoesOnlyWhereTheRegistryAllowsOneFlowPerSubject(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      person(server, "infuzu");
      StringWriter out = new StringWriter();
      assertThatThrownBy(() -> server.confide.trainingExport.export(out, Epsilon.of("0.1")))
          .as("infuzu never uses content for training: no processor is registered for it")
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.code()).isEqualTo("unregistered_flow");
            assertThat(p.getMessage()).contains("'AI model providers'").contains("'training'");
          });
      assertThat(out.toString()).isEmpty();
      assertThat(server.confide.privacyBudget.releases(TrainingExport.BUDGET_PURPOSE)).as("nothing charged").isEmpty();
    }
    try (TestServer server = TestServer.start(backend, tmp.resolve("lumis"), LUMIS, false)) {
      Person first = person(server, "first");
      first.client().post("/api/conversations", Map.of("content", "a second conversation", "model", "builtin-echo"));
      person(server, "second");
      assertThat(export(server)).hasSize(3);
      assertThat(server.confide.disclosureLog.log(dev.confide.disclosure.DisclosureLog.Filter.all()))
          .extracting(e -> e.processor() + "/" + e.purpose() + "/" + e.category() + "/" + e.flows() + "/" + e.records())
          .as("one flow per subject, counting conversations").containsExactly("AI model providers/training/chat_history/2/3");
    }
  }
}
