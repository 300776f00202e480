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

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anErasureDuringTheExportLeavesTheSubjectOutOrStopsThePublication(TestBackend backend) throws Exception {
    // The detector runs as the export reads each message: it stands in for an erasure arriving at that moment.
    java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<String>> duringRead = new java.util.concurrent.atomic.AtomicReference<>(t -> { });
    dev.confide.pii.PiiDetector detector = text -> {
      duringRead.get().accept(text);
      return dev.confide.pii.PiiEngine.standard().detect(text);
    };
    var hooks = new dev.confide.app.Confide.Hooks(dev.confide.crypto.KeyRotation.Observer.NONE,
        dev.confide.chat.DecisionEvent.Listener.NONE, detector);
    try (TestServer server = TestServer.start(backend, tmp, LUMIS, false, hooks)) {
      Person one = person(server, "one");
      Person two = person(server, "two");
      // the export reads subjects in id order (as the database sorts UUIDs: by their text)
      Person first = one.subject().toString().compareTo(two.subject().toString()) < 0 ? one : two;
      Person second = first == one ? two : one;
      first.client().post("/api/conversations", Map.of("content", "first marker kiwi", "model", "builtin-echo"));
      second.client().post("/api/conversations", Map.of("content", "second marker mango", "model", "builtin-echo"));

      // Erased while its own conversations are read: left out, and the export goes on.
      duringRead.set(text -> {
        if (text.contains("mango")) {
          duringRead.set(t -> { });
          server.confide.erasure.erase(second.subject(), "user_request");
        }
      });
      String exported = exportText(server);
      assertThat(exported).contains("kiwi").doesNotContain("mango");

      // Erased after its lines were written: nothing may be published.
      Person third = person(server, "third");
      third.client().post("/api/conversations", Map.of("content", "third marker papaya", "model", "builtin-echo"));
      Person later = first.subject().toString().compareTo(third.subject().toString()) < 0 ? third : first;
      Person earlier = later == third ? first : third;
      duringRead.set(text -> {
        if (text.contains(later == third ? "papaya" : "kiwi")) {
          duringRead.set(t -> { });
          server.confide.erasure.erase(earlier.subject(), "user_request");
        }
      });
      assertThatThrownBy(() -> exportText(server)).isInstanceOfSatisfying(Problem.class,
          p -> assertThat(p.code()).isEqualTo("export_outdated"));
      assertThat(exportText(server)).as("a new run leaves them out")
          .doesNotContain(earlier == first ? "kiwi" : "papaya").contains(later == first ? "kiwi" : "papaya");
    }
  }

  private static String exportText(TestServer server) throws Exception {
    StringWriter out = new StringWriter();
    server.confide.trainingExport.export(out, Epsilon.of("0.1"));
    return out.toString();
  }
}
