package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide pii scan} and {@code confide pii eval}, run in-process. Neither needs a database. */
class PiiCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final InputStream originalIn = System.in;

  @AfterEach
  void restoreStdin() {
    System.setIn(originalIn);
  }

  private static CliRun run(String stdin, String... args) {
    if (stdin != null) {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }
    return CliRun.run(args);
  }

  @Test
  @Tag("P15")
  void scanReadsJsonLinesAndWritesEntitiesAndARedactedTextPerLine() throws Exception {
    String input = String.join("\n",
        JSON.writeValueAsString(java.util.Map.of("text", "Mail anna.berg@example.com or call +44 20 7946 0958.")),
        "this is not json",
        "",
        "{\"text\": 42}",
        "[1, 2]",
        JSON.writeValueAsString(java.util.Map.of("text", "Nothing personal here.")),
        JSON.writeValueAsString(java.util.Map.of("text", "Card 4111 1111 1111 1111 — Größe: ünïcödé ✓"))) + "\n";

    CliRun run = run(input, "pii", "scan");

    assertThat(run.exit()).as(run.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(6); // the blank line is not an input

    JsonNode first = lines.get(0);
    assertThat(first.get("redacted").asText()).isEqualTo("Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>.");
    assertThat(first.get("entities")).hasSize(2);
    JsonNode email = first.get("entities").get(0);
    assertThat(email.get("type").asText()).isEqualTo("EMAIL_ADDRESS");
    assertThat(email.get("start").asInt()).isEqualTo(5);
    assertThat(email.get("end").asInt()).isEqualTo(5 + "anna.berg@example.com".length());
    assertThat(email.get("score").asDouble()).isBetween(0.5, 1.0);
    assertThat(first.get("entities").get(1).get("type").asText()).isEqualTo("PHONE_NUMBER");

    assertThat(lines.get(1).get("error").asText()).contains("line 2").contains("not JSON");
    assertThat(lines.get(2).get("error").asText()).contains("line 4").contains("\"text\" must be a string");
    assertThat(lines.get(3).get("error").asText()).contains("line 5").contains("object");
    assertThat(lines.get(4).get("entities")).isEmpty();
    assertThat(lines.get(4).get("redacted").asText()).isEqualTo("Nothing personal here.");
    assertThat(lines.get(5).get("redacted").asText()).isEqualTo("Card <CREDIT_CARD> — Größe: ünïcödé ✓");
  }

  @Test
  void evalScoresOneHalfOfTheDataset() throws Exception {
    Path dataset = tmp.resolve("halves.json");
    Files.writeString(dataset, """
        [
          {"full_text": "Write to anna.berg@example.com today.",
           "spans": [{"entity_type": "EMAIL_ADDRESS", "start_position": 9, "end_position": 30}]},
          {"full_text": "The SSN 536-22-1234 is here.",
           "spans": [{"entity_type": "US_SSN", "start_position": 8, "end_position": 19}]},
          {"full_text": "Or to bo.lind@example.org instead.",
           "spans": [{"entity_type": "EMAIL_ADDRESS", "start_position": 6, "end_position": 25}]}
        ]
        """, StandardCharsets.UTF_8);

    CliRun even = run(null, "pii", "eval", dataset.toString(), "--half", "even", "--measure", "0");
    assertThat(even.exit()).as(even.err()).isZero();
    assertThat(even.out()).contains("2 texts, even positions");
    assertThat(row(even.out(), "EMAIL_ADDRESS")).containsExactly(1.0, 1.0, 1.0, 2.0, 2.0);
    assertThat(even.out()).doesNotContain("US_SSN");

    CliRun odd = run(null, "pii", "eval", dataset.toString(), "--half", "odd", "--measure", "0");
    assertThat(odd.exit()).as(odd.err()).isZero();
    assertThat(odd.out()).contains("1 texts, odd positions").contains("US_SSN").doesNotContain("EMAIL_ADDRESS");

    CliRun bad = run(null, "pii", "eval", dataset.toString(), "--half", "third", "--measure", "0");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("--half must be all, even or odd");
  }

  @Test
  void evalPrintsPerEntityScoresGlobalPiiAndThroughput() throws Exception {
    Path dataset = tmp.resolve("tiny.json");
    Files.writeString(dataset, """
        [
          {"full_text": "Write to anna.berg@example.com today.",
           "spans": [{"entity_type": "EMAIL_ADDRESS", "start_position": 9, "end_position": 30}]},
          {"full_text": "My IBAN is GB82 WEST 1234 5698 7654 32.",
           "spans": [{"entity_type": "IBAN_CODE", "start_position": 11, "end_position": 38}]},
          {"full_text": "The SSN 536-22-1234 and the code XK-99 are here.",
           "spans": [{"entity_type": "US_SSN", "start_position": 8, "end_position": 19},
                     {"entity_type": "US_DRIVER_LICENSE", "start_position": 33, "end_position": 38}]}
        ]
        """, StandardCharsets.UTF_8);

    CliRun run = run(null, "pii", "eval", dataset.toString(), "--warmup", "0", "--measure", "0.2");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("3 texts").contains("engine built in");
    assertThat(row(run.out(), "EMAIL_ADDRESS")).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
    assertThat(row(run.out(), "IBAN_CODE")).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
    assertThat(row(run.out(), "US_SSN")).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
    // the licence code has no licence context, so it is missed: recall 0 on support 1
    assertThat(row(run.out(), "US_DRIVER_LICENSE")).containsExactly(0.0, 0.0, 0.0, 1.0, 0.0);
    // 3 of 4 gold spans found, nothing else predicted: P 1, R 0.75, F2 = 5*0.75/(4+0.75)
    assertThat(row(run.out(), "PII")).containsExactly(1.0, 0.75, 0.789, 4.0, 3.0);
    assertThat(run.out()).contains("global PII: precision 1.000, recall 0.750, F2 0.789");
    Matcher speed = Pattern.compile("throughput: ([0-9.]+) MB/s on one thread").matcher(run.out());
    assertThat(speed.find()).isTrue();
    assertThat(Double.parseDouble(speed.group(1))).isPositive();
    assertThat(run.out()).containsPattern("per core: [0-9.]+ MB/s");
  }

  @Test
  void evalReportsAMissingOrMalformedDatasetAsAnError() throws Exception {
    CliRun missing = run(null, "pii", "eval", tmp.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file");

    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"not\": \"an array\"}");
    CliRun malformed = run(null, "pii", "eval", bad.toString());
    assertThat(malformed.exit()).isEqualTo(1);
    assertThat(malformed.err()).contains("cannot read").contains("JSON array");
  }

  @Test
  void piiWithoutASubcommandPrintsItsUsage() {
    CliRun run = run(null, "pii");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: confide pii").contains("eval").contains("scan");
    assertThat(run(null, "pii", "scan", "--help").out()).startsWith("Usage: confide pii scan");
    assertThat(run(null, "pii", "eval", "--help").out()).startsWith("Usage: confide pii eval");
  }

  /** The numbers of a table row: precision, recall, f2, support, predicted. */
  private static List<Double> row(String out, String type) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(type) + "\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+(\\d+)\\s+(\\d+)$")
        .matcher(out);
    assertThat(m.find()).as("row %s in%n%s", type, out).isTrue();
    List<Double> values = new ArrayList<>();
    for (int g = 1; g <= 5; g++) {
      values.add(Double.parseDouble(m.group(g)));
    }
    return values;
  }
}
