package dev.confide.bench.load;

import com.sun.net.httpserver.HttpServer;
import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.http.ConfideHttp;
import dev.confide.identity.NewAccount;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Gateway overhead (DESIGN.md section 7): the latency of a whole streamed completion through
 * Confide minus the latency of the same request straight to the same fake upstream, p50 and p99, at
 * each concurrency, with persistence on. Direct and gateway phases alternate within one run.
 *
 * <pre>java -cp confide-bench/target/confide-bench.jar dev.confide.bench.load.GatewayOverhead h2|postgresql [seconds] [concurrency,...]</pre>
 */
public final class GatewayOverhead {
  private static final String BODY = "{\"model\":\"fake-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
      + "\"Summarize the history of the printing press in three sentences.\"}]}";
  private static final int CHUNKS = 20;
  private static final long CHUNK_DELAY_MS = 2;

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "h2";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    List<Integer> levels = new ArrayList<>();
    for (String c : (args.length > 2 ? args[2] : "50,200").split(",")) {
      levels.add(Integer.parseInt(c.trim()));
    }
    HttpServer upstream = fakeUpstream();
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1";
    Path dir = Files.createTempDirectory("confide-gateway-bench");
    String schema = null;
    Map<String, String> env = new HashMap<>();
    env.put("CONFIDE_DATA_DIR", dir.resolve("data").toString());
    if (backend.equals("postgresql")) {
      schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      execute("CREATE SCHEMA " + schema);
      env.put("CONFIDE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
      env.put("CONFIDE_DB_USER", "postgres");
      env.put("CONFIDE_DB_SCHEMA", schema);
    }
    Path config = dir.resolve("bench.yaml");
    Files.writeString(config, "server: {port: 0}\npasswords: {memoryKib: 8192, iterations: 1}\n"
        + "database: {maxPoolSize: 20}\n"
        + "rateLimits:\n  perSubject: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n"
        + "  perApiKey: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n"
        + "providers:\n  - {name: fake, baseUrl: \"" + upstreamUrl + "\", models: [fake-model], readTimeoutMs: 30000}\n");
    ConfideConfig cfg = new ConfigLoader().load(config, env);
    try (Confide confide = Confide.open(cfg, Clock.systemUTC()); ConfideHttp http = ConfideHttp.start(confide, false)) {
      UUID subject = confide.accounts.signUp(new NewAccount("Bench", "load-driver@example.com", "a long passphrase 42".toCharArray(),
          LocalDate.of(1990, 1, 1)));
      String secret = confide.apiKeys.create(subject, "bench").secret();
      String gateway = "http://127.0.0.1:" + http.port() + "/v1/chat/completions";
      String direct = upstreamUrl + "/chat/completions";
      System.out.printf("backend=%s seconds=%d chunks=%d chunkDelayMs=%d cores=%d%n", backend, seconds, CHUNKS, CHUNK_DELAY_MS,
          Runtime.getRuntime().availableProcessors());
      for (int concurrency : levels) {
        run(direct, null, concurrency, 3); // warm-up
        run(gateway, secret, concurrency, 3);
        List<Long> directLatencies = new ArrayList<>();
        List<Long> gatewayLatencies = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // A B A B: drift hits both sides alike
          directLatencies.addAll(run(direct, null, concurrency, seconds / 2));
          gatewayLatencies.addAll(run(gateway, secret, concurrency, seconds / 2));
        }
        report(concurrency, directLatencies, gatewayLatencies);
      }
    } finally {
      upstream.stop(0);
      if (schema != null) {
        execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  /** Runs {@code concurrency} clients for {@code seconds}; returns whole-stream latencies in microseconds. */
  private static List<Long> run(String url, String secret, int concurrency, int seconds) throws InterruptedException {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    CountDownLatch done = new CountDownLatch(concurrency);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(8)).build();
    int[] errors = new int[1];
    for (int i = 0; i < concurrency; i++) {
      pool.execute(() -> {
        try {
          while (System.nanoTime() < end) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY));
            if (secret != null) {
              b.header("Authorization", "Bearer " + secret);
            }
            long start = System.nanoTime();
            try {
              HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
              try (InputStream in = r.body()) {
                in.transferTo(OutputStream.nullOutputStream());
              }
              if (r.statusCode() == 200) {
                latencies.add((System.nanoTime() - start) / 1000);
              } else {
                synchronized (errors) {
                  errors[0]++;
                }
              }
            } catch (Exception e) {
              synchronized (errors) {
                errors[0]++;
              }
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    pool.shutdown();
    if (errors[0] > 0) {
      System.out.printf("  %s: %d errors%n", url, errors[0]);
    }
    return latencies;
  }

  private static void report(int concurrency, List<Long> direct, List<Long> gateway) {
    long d50 = percentile(direct, 50);
    long d99 = percentile(direct, 99);
    long g50 = percentile(gateway, 50);
    long g99 = percentile(gateway, 99);
    System.out.printf("concurrency=%d direct: n=%d p50=%.2fms p99=%.2fms | gateway: n=%d p50=%.2fms p99=%.2fms"
            + " | overhead p50=%.2fms p99=%.2fms%n",
        concurrency, direct.size(), d50 / 1000.0, d99 / 1000.0, gateway.size(), g50 / 1000.0, g99 / 1000.0,
        (g50 - d50) / 1000.0, (g99 - d99) / 1000.0);
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static HttpServer fakeUpstream() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newFixedThreadPool(256));
    server.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < CHUNKS; i++) {
          out.write(("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"fake-model\",\"choices\":[{\"index\":0,"
              + "\"delta\":{\"content\":\"word" + i + " \"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          Thread.sleep(CHUNK_DELAY_MS);
        }
        out.write(("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"fake-model\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":20,\"total_tokens\":40}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    return server;
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
      c.createStatement().execute(sql);
    }
  }
}
