package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, unchanged, against a running Confide. */
class OpenAiSdkTest {
  @TempDir Path tmp;

  @Test
  void theOfficialSdkWorksPlainAndStreaming() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      GatewayTest.User ada = GatewayTest.user(server, "sdk@example.com");
      OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(ada.secret()).baseUrl(server.baseUrl() + "/v1").maxRetries(0).build();

      assertThat(client.models().list().items()).extracting(m -> m.id()).contains("builtin-echo", "builtin-tiny");

      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
          .model("builtin-echo").addSystemMessage("be brief").addUserMessage("Hello from the SDK").build();
      ChatCompletion completion = client.chat().completions().create(params);
      assertThat(completion.choices().get(0).message().content()).hasValue("Hello from the SDK");
      assertThat(completion.usage().orElseThrow().totalTokens()).isPositive();

      StringBuilder streamed = new StringBuilder();
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("builtin-tiny").addUserMessage("Tell me something").build())) {
        stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
      }
      assertThat(streamed.toString()).contains(".").hasSizeGreaterThan(20);
      assertThat(server.confide.chat.conversations().list(server.confide.accounts.authenticate("sdk@example.com",
          GatewayTest.PASSWORD.toCharArray()).orElseThrow(), 10, null).items()).hasSize(2);

      OpenAIClient stranger = OpenAIOkHttpClient.builder().apiKey("cfd_wrong").baseUrl(server.baseUrl() + "/v1").maxRetries(0).build();
      assertThatThrownBy(() -> stranger.chat().completions().create(params)).isInstanceOf(UnauthorizedException.class);
      assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("no-such-model").addUserMessage("x").build()))
          .isInstanceOf(com.openai.errors.BadRequestException.class).hasMessageContaining("does not exist");
    }
  }
}
