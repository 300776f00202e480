package dev.confide.pii;

import static dev.confide.pii.PiiTestSupport.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.confide.testing.FuzzDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The PII scanner reads every prompt (P15): any text gives sorted, non-overlapping spans inside the
 * text, and the shield built on them gives back exactly the text it was given, also when the answer
 * streams back in arbitrary chunks.
 */
@Tag("P15")
class PiiScannerFuzzTest {
  private static final Pattern PLACEHOLDER_LIKE = Pattern.compile("<[A-Z][A-Z_]{0,30}_[0-9]{1,6}>");

  @BeforeAll
  static void prepare() {
    FuzzDriver.prepareJazzer();
  }

  /**
   * The first byte picks how the rest is read: as UTF-8 (malformed bytes become U+FFFD), or as
   * UTF-16 code units, which also gives lone surrogates. The byte after it splits the streamed answer.
   */
  @FuzzTest
  void anyTextScansAndRoundTrips(byte[] input) {
    if (input.length < 2) {
      assertThat(ENGINE.detect(input.length == 0 ? "" : "x")).isEmpty();
      return;
    }
    String text = (input[0] & 1) == 0
        ? new String(input, 2, input.length - 2, StandardCharsets.UTF_8)
        : new String(input, 2, input.length - 2, StandardCharsets.UTF_16BE);
    List<PiiEntity> found = ENGINE.detect(text);
    RobustnessTest.assertValid(text, found);
    assertThat(Redaction.replaceWithTypes(text, found)).isNotNull();

    Pseudonymizer shield = new Pseudonymizer();
    String masked = shield.pseudonymize(text, found);
    for (String original : shield.mapping().values()) {
      assertThat(original).isNotEmpty();
    }
    if (PLACEHOLDER_LIKE.matcher(text).find()) {
      return; // a text that already holds placeholder-shaped tokens is not expected to survive the round trip
    }
    assertThat(shield.restore(masked)).isEqualTo(text);

    StringBuilder streamed = new StringBuilder();
    Pseudonymizer.Restorer restorer = shield.restorer(streamed::append);
    int step = 1 + Byte.toUnsignedInt(input[1]) % 17;
    for (int i = 0; i < masked.length(); i += step) {
      restorer.accept(masked.substring(i, Math.min(masked.length(), i + step)));
    }
    restorer.finish();
    assertThat(streamed.toString()).as("restored mid-stream in chunks of " + step).isEqualTo(text);
  }

  @Test
  void shortRun() {
    FuzzDriver.of(getClass(), "anyTextScansAndRoundTrips").executions(1_500).maxLength(2_048)
        .dictionary("@", ".com", "http://", "www.", "+1 ", "(555) ", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32",
            "536-22-1234", "10.0.0.1", "::1", "Mr. ", "Dr. ", "my name is ", "Street", "Apt ", "born ", "1/1/2000", "<PERSON_1>",
            "\n", "  ", "\u00e9", "\ud83d\ude00", "\ud800")
        .run(this::anyTextScansAndRoundTrips);
  }
}
