package dev.confide.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.confide.testing.FuzzDriver;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parser of an upstream's event stream: any bytes from a provider end as a completion, the end
 * of the stream, or a provider failure (a 502 for the client), never another exception; what the
 * listener was sent is exactly the content recorded.
 */
class SseCompletionReaderFuzzTest {
  @BeforeAll
  static void prepare() {
    FuzzDriver.prepareJazzer();
  }

  @FuzzTest
  void anyStreamEndsInACompletionOrAProviderFailure(byte[] input) throws Exception {
    StringBuilder content = new StringBuilder();
    StringBuilder sent = new StringBuilder();
    try {
      Completion done = new SseCompletionReader(new InputStreamReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8))
          .read(content, sent::append, () -> {});
      if (done != null) {
        assertThat(done.content()).isEqualTo(content.toString());
        assertThat(done.finishReason()).isNotNull();
      }
    } catch (ProviderException e) {
      assertThat(e.kind()).isEqualTo(ProviderException.Kind.UPSTREAM_ERROR);
      assertThat(e.partial()).isEqualTo(content.toString());
    }
    assertThat(sent.toString()).isEqualTo(content.toString());
  }

  @Test
  void linesEndInLfCrOrCrlfWhereverTheReadsSplitThem() throws Exception {
    String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"
        + ": comment\r"
        + "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\r"
        + "data: {\"choices\":[{\"delta\":{\"content\":\" w\u00f6rld\"},\"finish_reason\":\"length\"}]}\n\n"
        + "data: [DONE]";
    for (int step : new int[] {1, 2, 3, 7, 64, 100_000}) {
      StringBuilder content = new StringBuilder();
      StringBuilder sent = new StringBuilder();
      Completion done = new SseCompletionReader(new SlicedReader(stream, step)).read(content, sent::append, () -> {});
      assertThat(done).as("reads of %d chars", step).isNotNull();
      assertThat(done.content()).isEqualTo("Hello w\u00f6rld");
      assertThat(done.finishReason()).isEqualTo("length");
      assertThat(sent.toString()).isEqualTo("Hello w\u00f6rld");
    }
  }

  /** Hands out at most {@code step} characters per read, as a network stream may. */
  private static final class SlicedReader extends java.io.Reader {
    private final String text;
    private final int step;
    private int at;

    SlicedReader(String text, int step) {
      this.text = text;
      this.step = step;
    }

    @Override
    public int read(char[] into, int off, int len) {
      if (at >= text.length()) {
        return -1;
      }
      int n = Math.min(Math.min(len, step), text.length() - at);
      text.getChars(at, at + n, into, off);
      at += n;
      return n;
    }

    @Override
    public void close() {}
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedWithoutBufferingIt() {
    String huge = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(SseCompletionReader.MAX_LINE_CHARS) + "\"}}]}\n";
    StringBuilder content = new StringBuilder("before ");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SseCompletionReader(new StringReader(huge)).read(content, d -> {}, () -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage()).contains("oversized event"));
  }

  @Test
  void anAnswerLongerThanTheLimitIsCut() {
    String chunk = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "y".repeat(SseCompletionReader.MAX_LINE_CHARS - 100) + "\"}}]}\n";
    String stream = chunk.repeat(SseCompletionReader.MAX_CONTENT_CHARS / SseCompletionReader.MAX_LINE_CHARS + 1) + "data: [DONE]\n";
    StringBuilder content = new StringBuilder();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SseCompletionReader(new StringReader(stream)).read(content, d -> {}, () -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage()).contains("oversized answer"));
    assertThat(content.length()).isLessThanOrEqualTo(SseCompletionReader.MAX_CONTENT_CHARS);
  }

  @Test
  void shortRun() {
    FuzzDriver.of(getClass(), "anyStreamEndsInACompletionOrAProviderFailure").executions(5_000)
        .dictionary("data: ", "data:", "\n\n", "\r\n", "\r", ": keep-alive\n", "event: message\n", "[DONE]", "{\"choices\":[",
            "{\"delta\":{\"content\":", "\"finish_reason\":", "\"usage\":{\"prompt_tokens\":", "\"completion_tokens\":",
            "\"error\":{}", "null", "99999999999999999999", "-1", "1e400", "\"\\ud800\"", "[]", "{}", "\u00e9", "\ufeff")
        .run(this::anyStreamEndsInACompletionOrAProviderFailure);
  }
}
