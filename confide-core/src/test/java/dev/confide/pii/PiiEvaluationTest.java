package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator: span IoU matching and the metric arithmetic, on hand-made data with known answers. */
class PiiEvaluationTest {

  @Test
  void iouIsIntersectionOverUnionOfCharRanges() {
    assertThat(PiiEvaluation.iou(0, 10, 0, 10)).isEqualTo(1.0);
    assertThat(PiiEvaluation.iou(0, 10, 5, 15)).isEqualTo(5.0 / 15);
    assertThat(PiiEvaluation.iou(0, 10, 0, 5)).isEqualTo(0.5);
    assertThat(PiiEvaluation.iou(0, 10, 10, 20)).isEqualTo(0.0);
    assertThat(PiiEvaluation.iou(3, 4, 0, 10)).isEqualTo(0.1);
  }

  @Test
  void matchingIsOneToOneAtIouOfAtLeastOneHalf() {
    int[] gold = {0, 10};
    // two predictions cover the same gold span: only one may count
    assertThat(PiiEvaluation.matches(List.of(new int[] {0, 10}, new int[] {0, 9}), List.of(gold))).isEqualTo(1);
    // exactly 0.5 matches, just below does not
    assertThat(PiiEvaluation.matches(List.of(new int[] {0, 5}), List.of(gold))).isEqualTo(1);
    assertThat(PiiEvaluation.matches(List.of(new int[] {0, 4}), List.of(gold))).isZero();
    // the best pairs are taken first: prediction [0,10) goes to gold [0,10), [10,19) to gold [10,20)
    assertThat(PiiEvaluation.matches(List.of(new int[] {0, 10}, new int[] {10, 19}),
        List.of(new int[] {10, 20}, new int[] {0, 10}))).isEqualTo(2);
  }

  /** A detector that answers from a table. */
  private static PiiDetector fixed(Map<String, List<PiiEntity>> answers) {
    return text -> answers.getOrDefault(text, List.of());
  }

  @Test
  void perEntityAndGlobalMetricsOnAHandMadeDataset() throws IOException {
    String json = """
        [
          {"full_text": "Anna lives in Oslo.",
           "spans": [{"entity_type": "PERSON", "start_position": 0, "end_position": 4},
                     {"entity_type": "GPE", "start_position": 14, "end_position": 18}]},
          {"full_text": "Call 555-1234 now",
           "spans": [{"entity_type": "PHONE_NUMBER", "start_position": 5, "end_position": 13}]},
          {"full_text": "Nothing here.", "spans": []}
        ]
        """;
    List<PiiEvaluation.Example> data = PiiEvaluation.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(data).hasSize(3);
    assertThat(data.get(0).spans()).extracting(PiiEvaluation.Span::type).containsExactly("PERSON", "GPE");

    PiiDetector detector = fixed(Map.of(
        // PERSON right; "Oslo" found as LOCATION (same as GPE); an extra DATE_TIME that is not PII here
        "Anna lives in Oslo.", List.of(new PiiEntity("PERSON", 0, 4, 0.9), new PiiEntity("LOCATION", 14, 18, 0.8),
            new PiiEntity("DATE_TIME", 5, 10, 0.6)),
        // the phone found with the wrong type, and too short to match (IoU 3/8)
        "Call 555-1234 now", List.of(new PiiEntity("US_SSN", 5, 8, 0.7)),
        "Nothing here.", List.of(new PiiEntity("PERSON", 0, 7, 0.5))));

    PiiEvaluation.Report report = PiiEvaluation.evaluate(detector, data);
    Map<String, PiiEvaluation.Score> byType = new java.util.HashMap<>();
    report.entities().forEach(s -> byType.put(s.type(), s));

    // PERSON: 1 match, 2 predicted, 1 gold -> P 0.5, R 1, F2 = 5*0.5*1/(4*0.5+1) = 2.5/3
    assertThat(byType.get("PERSON")).isEqualTo(new PiiEvaluation.Score("PERSON", 1, 2, 1));
    assertThat(byType.get("PERSON").precision()).isEqualTo(0.5);
    assertThat(byType.get("PERSON").recall()).isEqualTo(1.0);
    assertThat(byType.get("PERSON").f2()).isCloseTo(2.5 / 3, within(1e-12));
    // GPE and LOCATION are one type
    assertThat(byType.get("LOCATION")).isEqualTo(new PiiEvaluation.Score("LOCATION", 1, 1, 1));
    assertThat(byType).doesNotContainKey("GPE");
    // the phone number is missed; the SSN and DATE_TIME are false positives
    assertThat(byType.get("PHONE_NUMBER")).isEqualTo(new PiiEvaluation.Score("PHONE_NUMBER", 0, 0, 1));
    assertThat(byType.get("PHONE_NUMBER").precision()).isZero();
    assertThat(byType.get("PHONE_NUMBER").f2()).isZero();
    assertThat(byType.get("US_SSN")).isEqualTo(new PiiEvaluation.Score("US_SSN", 0, 1, 0));
    assertThat(byType.get("DATE_TIME")).isEqualTo(new PiiEvaluation.Score("DATE_TIME", 0, 1, 0));

    // global PII ignores types: 2 matches (Anna, Oslo) of 5 predicted and 3 gold
    PiiEvaluation.Score pii = report.pii();
    assertThat(pii).isEqualTo(new PiiEvaluation.Score("PII", 2, 5, 3));
    assertThat(pii.precision()).isEqualTo(0.4);
    assertThat(pii.recall()).isEqualTo(2.0 / 3);
    // F2 = 5PR / (4P + R) = 5 * 0.4 * (2/3) / (1.6 + 2/3) = (4/3) / (6.8/3) = 4 / 6.8
    assertThat(pii.f2()).isCloseTo(4 / 6.8, within(1e-12));
    assertThat(pii.f(1)).isCloseTo(2 * 0.4 * (2.0 / 3) / (0.4 + 2.0 / 3), within(1e-12));

    assertThat(report.examples()).isEqualTo(3);
    assertThat(report.bytes()).isEqualTo("Anna lives in Oslo.Call 555-1234 nowNothing here.".length());
    assertThat(report.toTable()).contains("PERSON", "LOCATION", "PII").contains("0.500").contains("0.833");
  }

  @Test
  void typeAgnosticMatchingLetsAWronglyTypedSpanCountForPii() {
    var data = List.of(new PiiEvaluation.Example("Acme Ltd", List.of(new PiiEvaluation.Span("ORGANIZATION", 0, 8))));
    var report = PiiEvaluation.score(data, List.of(List.of(new PiiEntity("PERSON", 0, 8, 0.9))));
    assertThat(report.pii()).isEqualTo(new PiiEvaluation.Score("PII", 1, 1, 1));
    assertThat(report.entities()).contains(new PiiEvaluation.Score("ORGANIZATION", 0, 0, 1),
        new PiiEvaluation.Score("PERSON", 0, 1, 0));
  }

  @Test
  void canonicalTypesFollowPresidiosMapping() {
    assertThat(PiiEvaluation.canonicalType("GPE")).isEqualTo("LOCATION");
    assertThat(PiiEvaluation.canonicalType("DOMAIN_NAME")).isEqualTo("URL");
    assertThat(PiiEvaluation.canonicalType("PERSON")).isEqualTo("PERSON");
  }

  @Test
  void malformedDatasetsAreRejectedWithAReason() {
    assertThatThrownBy(() -> PiiEvaluation.read(stream("{\"full_text\": \"x\"}"))).hasMessageContaining("JSON array");
    assertThatThrownBy(() -> PiiEvaluation.read(stream("[{\"spans\": []}]"))).hasMessageContaining("full_text");
    assertThatThrownBy(() -> PiiEvaluation.read(stream(
        "[{\"full_text\": \"abc\", \"spans\": [{\"entity_type\": \"PERSON\", \"start_position\": 1, \"end_position\": 9}]}]")))
        .hasMessageContaining("invalid span");
  }

  @Test
  void throughputCountsTheBytesScanned() {
    var data = List.of(new PiiEvaluation.Example("héllo", List.of()), new PiiEvaluation.Example("abc", List.of()));
    PiiEvaluation.Throughput t = PiiEvaluation.throughput(text -> List.of(), data, Duration.ZERO, Duration.ofMillis(20));
    assertThat(t.passes()).isGreaterThanOrEqualTo(1);
    assertThat(t.bytes()).isEqualTo(9L * t.passes()); // "héllo" is 6 bytes of UTF-8
    assertThat(t.megabytesPerSecond()).isPositive();
    assertThat(t.megabytesPerCpuSecond()).isPositive();
    assertThat(new PiiEvaluation.Throughput(2_000_000, 1, 2.0, 0.5).megabytesPerSecond()).isEqualTo(1.0);
    assertThat(new PiiEvaluation.Throughput(2_000_000, 1, 2.0, 0.5).megabytesPerCpuSecond()).isEqualTo(4.0);
    assertThat(new PiiEvaluation.Throughput(2_000_000, 1, 2.0, -1).megabytesPerCpuSecond()).isEqualTo(1.0);
  }

  private static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
