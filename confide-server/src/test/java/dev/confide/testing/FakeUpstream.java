package dev.confide.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI-compatible model server: a real HTTP server on loopback that streams chat
 * completions, or misbehaves on request (slow, dropped mid-stream, malformed, 429, 500, hanging).
 */
public final class FakeUpstream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the next requests are answered. */
  public enum Mode { NORMAL, NO_USAGE, STATUS_429, STATUS_500, STATUS_400, MALFORMED, DROP_MID_STREAM, HANG, SLOW }

  private final HttpServer server;
  private volatile Mode mode = Mode.NORMAL;
  private volatile String answer = "The fake model answers in several words.";
  private volatile long delayMillisPerWord = 0;
  private volatile boolean echo;
  private volatile int chunkChars;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();

  public FakeUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-upstream");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/v1/chat/completions", this::complete);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** YAML for a provider pointing here, serving {@code fake-model} and {@code fake-model-2}. */
  public String providerYaml(int readTimeoutMs) {
    return "providers:\n  - name: fake\n    baseUrl: " + baseUrl() + "\n    apiKeyEnv: CONFIDE_FAKE_KEY\n"
        + "    models: [fake-model, fake-model-2]\n    country: US\n    readTimeoutMs: " + readTimeoutMs + "\n";
  }

  public FakeUpstream mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  public FakeUpstream answer(String answer) {
    this.answer = answer;
    return this;
  }

  /** Answers "You said: " and the last user message, as the model received it. */
  public FakeUpstream echo() {
    this.echo = true;
    return this;
  }

  /** Streams fixed-size pieces instead of words, so placeholders get split across chunks. */
  public FakeUpstream chunkChars(int chars) {
    this.chunkChars = chars;
    return this;
  }

  public FakeUpstream delayPerWord(long millis) {
    this.delayMillisPerWord = millis;
    return this;
  }

  public List<JsonNode> requests() {
    return requests;
  }

  /** Streams currently being written (to check that an abandoned stream is stopped upstream too). */
  public int openStreams() {
    return open.get();
  }

  private void complete(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    requests.add(request);
    String model = request.path("model").asText();
    switch (mode) {
      case STATUS_429 -> {
        exchange.getResponseHeaders().add("Retry-After", "7");
        respond(exchange, 429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}");
        return;
      }
      case STATUS_500 -> {
        respond(exchange, 500, "{\"error\":{\"message\":\"boom\"}}");
        return;
      }
      case STATUS_400 -> {
        respond(exchange, 400, "{\"error\":{\"message\":\"bad\"}}");
        return;
      }
      case HANG -> {
        sleep(30_000);
        exchange.close();
        return;
      }
      default -> { }
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    open.incrementAndGet();
    try (OutputStream out = exchange.getResponseBody()) {
      String text = answer;
      if (echo) {
        JsonNode messages = request.path("messages");
        text = "You said: " + messages.get(messages.size() - 1).path("content").asText();
      }
      String[] words = chunkChars > 0 ? text.split("(?<=\\G.{" + chunkChars + "})") : text.split("(?<= )");
      for (int i = 0; i < words.length; i++) {
        if (mode == Mode.MALFORMED && i == 1) {
          write(out, "data: {this is not json\n\n");
          return;
        }
        if (mode == Mode.DROP_MID_STREAM && i == 2) {
          exchange.getHttpContext().getServer(); // keep the reference obvious: the drop is deliberate
          out.flush();
          exchange.close();
          return;
        }
        write(out, "data: " + chunk(model, words[i], null) + "\n\n");
        sleep(mode == Mode.SLOW ? 200 : delayMillisPerWord);
      }
      write(out, "data: " + chunk(model, null, "stop") + "\n\n");
      if (mode != Mode.NO_USAGE) {
        write(out, "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
            + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":" + words.length + ",\"total_tokens\":" + (11 + words.length) + "}}\n\n");
      }
      write(out, "data: [DONE]\n\n");
    } catch (IOException e) {
      // the reader went away: stop generating, as a real server does
    } finally {
      open.decrementAndGet();
    }
  }

  private static String chunk(String model, String content, String finish) {
    var node = JSON.createObjectNode().put("id", "x").put("object", "chat.completion.chunk").put("model", model);
    var choice = node.putArray("choices").addObject().put("index", 0);
    var delta = choice.putObject("delta");
    if (content != null) {
      delta.put("content", content);
    }
    if (finish != null) {
      choice.put("finish_reason", finish);
    } else {
      choice.putNull("finish_reason");
    }
    return node.toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
