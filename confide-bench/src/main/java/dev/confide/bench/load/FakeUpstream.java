package dev.confide.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible upstream on loopback that streams {@code chunks} deltas {@code delayMs}
 * apart and then a usage chunk, for load drivers that need a provider with a known, steady cost.
 * Its worker pool is fixed, so it adds no thread growth of its own to a soak.
 */
final class FakeUpstream implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService workers;
  private final int chunks;
  private final long delayMs;

  private FakeUpstream(int chunks, long delayMs, int threads) throws IOException {
    this.chunks = chunks;
    this.delayMs = delayMs;
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fake-upstream");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(workers);
    server.createContext("/v1/chat/completions", this::stream);
    server.start();
  }

  static FakeUpstream start(int chunks, long delayMs, int threads) throws IOException {
    return new FakeUpstream(chunks, delayMs, threads);
  }

  /** The base URL a provider entry points at ({@code .../v1}). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void stream(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (int i = 0; i < chunks; i++) {
        event(out, "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word" + i + " \"},\"finish_reason\":null}]");
        Thread.sleep(delayMs);
      }
      event(out, "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":" + chunks + ",\"total_tokens\":"
          + (20 + chunks) + "}");
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the gateway hung up (its client went away): nothing more to send
    }
  }

  private static void event(OutputStream out, String fields) throws IOException {
    out.write(("data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"model\":\"fake-model\"," + fields + "}\n\n")
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
