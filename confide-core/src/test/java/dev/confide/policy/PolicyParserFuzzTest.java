package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.confide.testing.FuzzDriver;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy file parser (DESIGN §2): any text is a valid policy or one {@link PolicyException} whose
 * every error names the file; never another exception, however the YAML is broken.
 */
class PolicyParserFuzzTest {
  @BeforeAll
  static void prepare() {
    FuzzDriver.prepareJazzer();
  }

  @FuzzTest
  void anyTextIsAPolicyOrItsErrors(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    try {
      Policy policy = PolicyLoader.parse(yaml, "fuzz.yaml");
      assertThat(policy).isNotNull();
    } catch (PolicyException e) {
      assertThat(e.errors()).isNotEmpty().allSatisfy(error -> assertThat(error).startsWith("fuzz.yaml"));
    }
  }

  @Test
  void shortRun() {
    FuzzDriver.of(getClass(), "anyTextIsAPolicyOrItsErrors").executions(500).maxLength(16_384)
        .dictionary(": ", "\n", "\n  ", "\n- ", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "!!binary ", "<<: ", "? ", "|\n",
            ">\n", "---\n", "...\n", "#", "\"", "'", "\\u0000", "~", "null", "true", "no", "0x1F", "1e999", "-0", ".inf",
            "2026-13-45", "P1Y", "30 days", "999999999999999999999", "\t", "\r\n", "\ufeff")
        .run(this::anyTextIsAPolicyOrItsErrors);
  }
}
