package dev.confide.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gateway overhead (DESIGN.md section 7): the latency of a whole streamed completion through
 * Confide minus the latency of the same request straight to the same fake upstream, p50 and p99, at
 * each concurrency, with persistence on. Direct and gateway phases alternate within one run.
 *
 * <p>Three actors, two processes: this process runs the fake upstream and the load clients; Confide
 * runs in a child process ({@link GatewayServer}). On a small machine the two are pinned to
 * different CPUs ({@code -Dserver.cpus}, default {@code 0}, for Confide; start this process under
 * {@code taskset -c 1}), so Confide does not queue for the CPU behind its own load. The direct phase
 * uses the same clients and upstream on the same CPU, so the difference is what Confide adds.
 *
 * <p>Clients are asynchronous (JDK HttpClient {@code sendAsync}, closed loop: each of the
 * {@code concurrency} clients sends its next request when the previous stream has ended), so no
 * thread is parked per stream on the driver side.
 *
 * <pre>taskset -c 1 java -cp confide-bench/target/confide-bench.jar dev.confide.bench.load.GatewayOverhead h2|postgresql [seconds] [concurrency,...] [rounds]</pre>
 *
 * System properties: {@code server.cpus} (CPU list for Confide's process, empty for no pinning),
 * {@code server.jvm} (extra JVM options for it, space separated, e.g. a JFR recording),
 * {@code warmup.seconds} (10 streams through Confide before the first level, default 60: after 20 s the
 * JIT compiler threads still took a quarter of Confide's CPU, and the 1-stream level most of it),
 * {@code chunk.delay.ms} (the upstream's pause between chunks, default 2).
 */
public final class GatewayOverhead {
  private static final String BODY = "{\"model\":\"fake-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
      + "\"Summarize the history of the printing press in three sentences.\"}]}";
  private static final int CHUNKS = 20;
  /** The aim's 2 ms (500 chunks/s per stream); {@code -Dchunk.delay.ms} for slower, more model-like streams. */
  private static final long CHUNK_DELAY_MS = Long.getLong("chunk.delay.ms", 2);

  private GatewayOverhead() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "h2";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    List<Integer> levels = new ArrayList<>();
    for (String c : (args.length > 2 ? args[2] : "1,50,200").split(",")) {
      levels.add(Integer.parseInt(c.trim()));
    }
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    String serverCpus = System.getProperty("server.cpus", "0");
    HttpServer upstream = fakeUpstream();
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1";
    Path dir = Files.createTempDirectory("confide-gateway-bench");
    String schema = null;
    if (backend.equals("postgresql")) {
      schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      execute("CREATE SCHEMA " + schema);
    }
    Process server = startServer(backend, upstreamUrl, dir, schema, serverCpus);
    ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "driver-callbacks");
      t.setDaemon(true);
      return t;
    });
    try {
      String[] ready = awaitReady(server);
      URI gateway = URI.create("http://127.0.0.1:" + ready[1] + "/v1/chat/completions");
      URI direct = URI.create(upstreamUrl + "/chat/completions");
      String secret = ready[2];
      System.out.printf("backend=%s seconds=%d rounds=%d chunks=%d chunkDelayMs=%d driverCpus=%s serverCpus=%s serverPid=%d%n",
          backend, seconds, rounds, CHUNKS, CHUNK_DELAY_MS, cpusAllowed(), serverCpus.isEmpty() ? "any" : serverCpus, server.pid());
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
          .connectTimeout(Duration.ofSeconds(5)).build();
      // Warm-up: the JIT compiles the request path before anything is measured.
      long warmupMillis = Long.getLong("warmup.seconds", 60) * 1_000;
      run(client, gateway, secret, 10, warmupMillis, callbacks);
      long idleBefore = cpuNanos(server);
      Thread.sleep(3_000);
      System.out.printf("confide idle cpu=%.1f%% of one CPU (background work, JIT, GC)%n",
          (cpuNanos(server) - idleBefore) / 3e9 * 100);
      for (int concurrency : levels) {
        run(client, direct, null, concurrency, 2_000, callbacks); // warm-up, connections opened
        run(client, gateway, secret, concurrency, 3_000, callbacks);
        Latencies directLatencies = Latencies.NONE;
        Latencies gatewayLatencies = Latencies.NONE;
        long serverCpuNanos = 0;
        long phaseMillis = Math.max(1_000, seconds * 1_000L / (2L * rounds));
        for (int round = 0; round < rounds; round++) { // A B A B: drift hits both sides alike
          directLatencies = directLatencies.and(run(client, direct, null, concurrency, phaseMillis, callbacks));
          long cpuBefore = cpuNanos(server);
          gatewayLatencies = gatewayLatencies.and(run(client, gateway, secret, concurrency, phaseMillis, callbacks));
          serverCpuNanos += cpuNanos(server) - cpuBefore;
        }
        report(concurrency, directLatencies, gatewayLatencies, serverCpuNanos, phaseMillis * rounds / 1000.0);
      }
    } finally {
      server.getOutputStream().close(); // the server exits when its standard input closes
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroy();
      }
      callbacks.shutdownNow();
      upstream.stop(0);
      if (schema != null) {
        execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static Process startServer(String backend, String upstreamUrl, Path dir, String schema, String cpus) throws IOException {
    List<String> command = new ArrayList<>();
    if (!cpus.isEmpty()) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    String extra = System.getProperty("server.jvm", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(Arrays.asList(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayServer.class.getName(), backend, upstreamUrl,
        dir.toString()));
    if (schema != null) {
      command.add(schema);
    }
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static String[] awaitReady(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("READY ")) {
        return line.split(" ");
      }
    }
    throw new IllegalStateException("the Confide process ended before it was ready (exit " + server.exitValue() + ")");
  }

  /** The CPUs this process may run on, as the kernel says (to show the pinning in the output). */
  private static String cpusAllowed() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Microseconds from sending to the end of the stream ({@code whole}) and to the first body bytes
   * ({@code first}, the first content chunk on both sides: the upstream writes its first chunk at
   * once, Confide its role chunk together with the first delta), of the requests answered 200 and
   * read to the end, in the same order.
   */
  record Latencies(long[] whole, long[] first) {
    static final Latencies NONE = new Latencies(new long[0], new long[0]);

    Latencies and(Latencies more) {
      return new Latencies(concat(whole, more.whole), concat(first, more.first));
    }
  }

  /** Runs {@code concurrency} closed-loop clients for {@code millis}. */
  private static Latencies run(HttpClient client, URI url, String secret, int concurrency, long millis, ExecutorService callbacks)
      throws InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (secret != null) {
      builder.header("Authorization", "Bearer " + secret);
    }
    HttpRequest request = builder.build();
    Phase phase = new Phase(client, request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), concurrency, callbacks);
    for (int i = 0; i < concurrency; i++) {
      phase.next();
    }
    phase.done.await();
    if (phase.errors.get() > 0) {
      System.out.printf("  %s: %d errors %s%n", url, phase.errors.get(), phase.errorKinds);
    }
    return phase.latencies();
  }

  /** One phase's clients: each sends its next request when its previous one has ended. */
  private static final class Phase {
    final HttpClient client;
    final HttpRequest request;
    final long end;
    final CountDownLatch done;
    final ExecutorService callbacks;
    final AtomicInteger errors = new AtomicInteger();
    final Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
    private long[] whole = new long[4096];
    private long[] first = new long[4096];
    private int size;

    Phase(HttpClient client, HttpRequest request, long end, int concurrency, ExecutorService callbacks) {
      this.client = client;
      this.request = request;
      this.end = end;
      this.done = new CountDownLatch(concurrency);
      this.callbacks = callbacks;
    }

    void next() {
      if (System.nanoTime() >= end) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      AtomicLong firstBytes = new AtomicLong();
      client.sendAsync(request, info -> new FirstBytesTimed(firstBytes)).whenCompleteAsync((response, failure) -> {
        long micros = (System.nanoTime() - start) / 1000;
        if (failure == null && response.statusCode() == 200) {
          add(micros, (firstBytes.get() - start) / 1000);
        } else {
          errors.incrementAndGet();
          errorKinds.merge(failure == null ? "HTTP " + response.statusCode() : rootCause(failure), 1, Integer::sum);
        }
        next();
      }, callbacks);
    }

    synchronized void add(long wholeMicros, long firstMicros) {
      if (size == whole.length) {
        whole = Arrays.copyOf(whole, size * 2);
        first = Arrays.copyOf(first, size * 2);
      }
      whole[size] = wholeMicros;
      first[size++] = firstMicros;
    }

    synchronized Latencies latencies() {
      return new Latencies(Arrays.copyOf(whole, size), Arrays.copyOf(first, size));
    }
  }

  /** Discards the body, noting when its first bytes arrived. */
  private static final class FirstBytesTimed implements HttpResponse.BodySubscriber<Void> {
    private final HttpResponse.BodySubscriber<Void> discarding = HttpResponse.BodySubscribers.discarding();
    private final AtomicLong firstBytes;

    FirstBytesTimed(AtomicLong firstBytes) {
      this.firstBytes = firstBytes;
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> getBody() {
      return discarding.getBody();
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      discarding.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> item) {
      if (firstBytes.get() == 0 && item.stream().anyMatch(java.nio.ByteBuffer::hasRemaining)) {
        firstBytes.compareAndSet(0, System.nanoTime());
      }
      discarding.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      discarding.onError(throwable);
    }

    @Override
    public void onComplete() {
      discarding.onComplete();
    }
  }

  private static String rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** CPU time the Confide process has used so far (user and system, all threads). */
  private static long cpuNanos(Process server) {
    return server.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static void report(int concurrency, Latencies directLatencies, Latencies gatewayLatencies, long serverCpuNanos,
      double secondsPerSide) {
    long[] direct = directLatencies.whole();
    long[] gateway = gatewayLatencies.whole();
    long d50 = percentile(direct, 50);
    long d99 = percentile(direct, 99);
    long g50 = percentile(gateway, 50);
    long g99 = percentile(gateway, 99);
    long f50 = percentile(gatewayLatencies.first(), 50) - percentile(directLatencies.first(), 50);
    long f99 = percentile(gatewayLatencies.first(), 99) - percentile(directLatencies.first(), 99);
    System.out.printf("concurrency=%d direct: n=%d (%.0f/s) p50=%.2fms p99=%.2fms | gateway: n=%d (%.0f/s) p50=%.2fms p99=%.2fms"
            + " | overhead p50=%.2fms p99=%.2fms | first-bytes overhead p50=%.2fms p99=%.2fms | confide cpu/request=%.2fms%n",
        concurrency, direct.length, direct.length / secondsPerSide, d50 / 1000.0, d99 / 1000.0, gateway.length,
        gateway.length / secondsPerSide, g50 / 1000.0, g99 / 1000.0,
        (g50 - d50) / 1000.0, (g99 - d99) / 1000.0, f50 / 1000.0, f99 / 1000.0,
        gateway.length == 0 ? 0 : serverCpuNanos / 1e6 / gateway.length);
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /**
   * The fake upstream: 20 content chunks about 2 ms apart, then a usage chunk and {@code [DONE]}.
   * Each chunk is flushed on its own with Nagle off, as a real provider's server would send it.
   */
  private static HttpServer fakeUpstream() throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newFixedThreadPool(512, r -> {
      Thread t = new Thread(r, "fake-upstream");
      t.setDaemon(true); // never keeps the driver alive after the run
      return t;
    }));
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
