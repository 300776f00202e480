package dev.confide.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Any OpenAI-compatible server, by configuration alone. Always streams from the upstream (so time
 * to first token is known and a client's disconnect stops the upstream at once) with
 * {@code stream_options.include_usage}. A request is retried once only when the connection failed
 * before any byte was sent; an idle stream is cut after the read timeout, and any stream after
 * {@link #MAX_STREAM}.
 */
public final class OpenAiCompatibleProvider implements ModelProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** However lively, no stream holds a thread and a connection longer than this. */
  static final Duration MAX_STREAM = Duration.ofMinutes(10);

  /** How to reach the upstream. {@code apiKey} may be null for servers that need none. */
  public record Settings(String name, URI baseUrl, String apiKey, List<String> models, String country, boolean baa,
      String shield, Duration connectTimeout, Duration readTimeout) {}

  private final Settings settings;
  private final HttpClient http;
  /** Cuts streams that go quiet for longer than the read timeout. */
  private final ScheduledExecutorService watchdog;

  public OpenAiCompatibleProvider(Settings settings) {
    this.settings = settings;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "confide-upstream-watchdog-" + settings.name());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout())
        // The client's own tasks run on its selector thread instead of being handed to a worker pool:
        // the body subscriber only queues each arriving buffer for the thread reading the stream, so
        // nothing here blocks, and every chunk is spared a thread hand-off (a context switch each on
        // a busy core).
        .executor(Runnable::run)
        .build();
  }

  @Override
  public Description description() {
    return new Description(settings.name(), "openai", false, settings.country(), settings.baa(), settings.shield());
  }

  @Override
  public List<String> models() {
    return settings.models();
  }

  @Override
  public Completion complete(ChatRequest request, DeltaSink sink) {
    HttpRequest httpRequest = buildRequest(request);
    HttpResponse<InputStream> response = send(httpRequest);
    int status = response.statusCode();
    if (status != 200) {
      drain(response);
      throw statusFailure(status, response);
    }
    return readStream(response.body(), sink);
  }

  private HttpRequest buildRequest(ChatRequest request) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", request.model());
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage m : request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    if (request.topP() != null) {
      body.put("top_p", request.topP());
    }
    if (request.maxTokens() != null) {
      body.put("max_tokens", request.maxTokens());
    }
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint("chat/completions"))
        .timeout(settings.readTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(toBytes(body)));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      builder.header("Authorization", "Bearer " + settings.apiKey());
    }
    return builder.build();
  }

  private HttpResponse<InputStream> send(HttpRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (HttpConnectTimeoutException | ConnectException e) {
        // Nothing reached the upstream, so trying once more cannot duplicate the request.
        if (attempt >= 2) {
          throw e instanceof HttpConnectTimeoutException
              ? new ProviderException(ProviderException.Kind.TIMEOUT, "the model provider did not accept a connection in time", "", null, e)
              : new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider is unreachable", "", null, e);
        }
      } catch (HttpTimeoutException e) {
        throw new ProviderException(ProviderException.Kind.TIMEOUT, "the model provider did not answer in time", "", null, e);
      } catch (IOException e) {
        throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the connection to the model provider failed", "", null, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeltaSink.ClientGoneException(e);
      }
    }
  }

  private Completion readStream(InputStream body, DeltaSink sink) {
    StringBuilder content = new StringBuilder();
    AtomicLong lastRead = new AtomicLong(System.nanoTime());
    AtomicBoolean timedOut = new AtomicBoolean();
    long timeoutNanos = settings.readTimeout().toNanos();
    long checkEvery = Math.max(10, settings.readTimeout().toMillis() / 4);
    long cutAt = System.nanoTime() + MAX_STREAM.toNanos();
    ScheduledFuture<?> idleCheck = watchdog.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if ((now - lastRead.get() > timeoutNanos || now - cutAt > 0) && timedOut.compareAndSet(false, true)) {
        closeQuietly(body); // unblocks the reading thread
      }
    }, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
    try (InputStreamReader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
      Completion done = new SseCompletionReader(reader).read(content, sink, () -> lastRead.set(System.nanoTime()));
      if (done != null) {
        return done;
      }
      if (timedOut.get()) {
        throw new ProviderException(ProviderException.Kind.TIMEOUT, "the model provider stopped sending", content.toString(), null, null);
      }
      throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider closed the stream early",
          content.toString(), null, null);
    } catch (IOException e) {
      if (timedOut.get()) {
        throw new ProviderException(ProviderException.Kind.TIMEOUT, "the model provider stopped sending", content.toString(), null, e);
      }
      throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the connection to the model provider broke",
          content.toString(), null, e);
    } catch (DeltaSink.ClientGoneException e) {
      closeQuietly(body); // stop the upstream generating for nobody
      throw e;
    } finally {
      idleCheck.cancel(false);
    }
  }

  private static ProviderException statusFailure(int status, HttpResponse<?> response) {
    if (status == 429) {
      Long retryAfter = response.headers().firstValue("Retry-After").flatMap(OpenAiCompatibleProvider::seconds).orElse(null);
      return new ProviderException(ProviderException.Kind.RATE_LIMITED, "the model provider is rate limiting requests", "", retryAfter, null);
    }
    if (status == 400 || status == 404 || status == 413 || status == 422) {
      return new ProviderException(ProviderException.Kind.REJECTED, "the model provider refused the request (HTTP " + status + ")", "", null, null);
    }
    if (status == 408 || status == 504) {
      return new ProviderException(ProviderException.Kind.TIMEOUT, "the model provider timed out (HTTP " + status + ")", "", null, null);
    }
    return new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider failed (HTTP " + status + ")", "", null, null);
  }

  private static java.util.Optional<Long> seconds(String value) {
    try {
      return java.util.Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private URI endpoint(String path) {
    String base = settings.baseUrl().toString();
    return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
  }

  private static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void drain(HttpResponse<InputStream> response) {
    closeQuietly(response.body());
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
