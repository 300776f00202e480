package dev.confide.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Soak (issue 8, "Load and soak"): the real server, persistence on, a fake streaming upstream, and
 * a steady mixed load at a fixed arrival rate (open loop: requests are issued on a clock, whether
 * or not earlier ones have finished) for a fixed time — streamed chat through {@code
 * /v1/chat/completions} (API key) and the native API (cookie and CSRF), history reads, settings
 * changes, comparisons and decisions, feedback, privacy exports with their downloads, and now and
 * then an account that erases itself and is replaced by a new sign-up. One extra API key sends
 * streams faster than its rate limit allows, so the 429 path runs all along.
 *
 * <p>Every response is counted by operation and status: anything but a 2xx, or a 429 from the rate
 * limits, is an error (and so is a 200 stream that ends without its final event); the first few are
 * printed. Every sample the server's JVM is read ({@link JvmGauges}: heap after a full GC, threads,
 * open files, pool), and at the end a verdict says whether any of them grew (see {@link #verdict}).
 *
 * <pre>java -Xmx1g -cp confide-bench/target/confide-bench.jar dev.confide.bench.load.Soak h2|postgresql [seconds=600] [ratePerSecond=12] [users=16] [sampleSeconds=15]</pre>
 */
public final class Soak {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "fake-model";
  private static final List<String> MODELS = List.of(MODEL, "fake-model-2");
  /** Per API key; the noisy key sends at {@link #NOISY_PER_SECOND}, twice this, so about half its requests are refused. */
  private static final int KEY_REQUESTS_PER_MINUTE = 120;
  private static final double NOISY_PER_SECOND = 4;
  /** Each user keeps at most this many conversations, deleting the oldest, so exports and lists stay the same size. */
  private static final int MAX_CONVERSATIONS = 8;
  private static final int FIRST_ERRORS_SHOWN = 10;
  private static final List<String> PROMPTS = List.of(
      "Summarize the history of the printing press in three sentences.",
      "My name is Alice Johnson and I live in Berlin; suggest a weekend trip.",
      "Write a haiku about autumn leaves.",
      "Explain the difference between TCP and UDP to a new engineer.",
      "Draft a short email to bob.smith@example.org moving our meeting to Thursday.",
      "What should I cook tonight with rice, eggs and spinach?");

  /** The operations of the mix and their weights (their share of the arrivals). */
  enum Op {
    OPENAI_STREAM(28), NATIVE_STREAM(20), HISTORY_LIST(14), HISTORY_VIEW(10), SETTINGS(8), FEEDBACK(8), COMPARE(6),
    EXPORT(4), CHURN(2);

    final int weight;

    Op(int weight) {
      this.weight = weight;
    }
  }

  /** One browser-like user slot: its cookie jar and client stay; the account in it changes on churn. */
  private static final class User {
    final CookieManager cookies = new CookieManager();
    final HttpClient client;
    final Deque<String> conversations = new ArrayDeque<>();
    String csrf;
    String key;

    User(ExecutorService executor) {
      this.client = HttpClient.newBuilder().cookieHandler(cookies).executor(executor).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
    }
  }

  private record Reply(int status, String body, HttpResponse<String> response) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }
  }

  /** Counts by operation and status, interval counters, and the first errors. */
  private static final class Tally {
    final Map<String, LongAdder> byOpAndStatus = new ConcurrentHashMap<>();
    final LongAdder ok = new LongAdder();
    final LongAdder limited = new LongAdder();
    final LongAdder errors = new LongAdder();
    final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
    final List<Long> streamMicros = Collections.synchronizedList(new ArrayList<>());

    void count(String op, int status, boolean complete, String body) {
      String outcome = status == 200 && !complete ? "200-incomplete" : String.valueOf(status);
      byOpAndStatus.computeIfAbsent(op + " " + outcome, k -> new LongAdder()).increment();
      if (status / 100 == 2 && complete) {
        ok.increment();
      } else if (status == 429) {
        limited.increment();
      } else {
        errors.increment();
        if (firstErrors.size() < FIRST_ERRORS_SHOWN) {
          firstErrors.add(op + " -> " + outcome + ": " + (body.length() > 300 ? body.substring(0, 300) : body));
        }
      }
    }

    List<Long> drainStreamMicros() {
      synchronized (streamMicros) {
        List<Long> out = new ArrayList<>(streamMicros);
        streamMicros.clear();
        return out;
      }
    }
  }

  /** One line of the time series. */
  private record Sample(long second, JvmGauges.Reading jvm, long ok, long limited, long errors, int backlog, long p50Micros,
      long p99Micros) {}

  private final String baseUrl;
  private final ExecutorService clientExecutor = Executors.newFixedThreadPool(8, daemon("soak-client"));
  private final Tally tally = new Tally();
  private final Random random = new Random(8);
  private final AtomicLong accounts = new AtomicLong();

  private Soak(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "h2";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 600;
    double rate = args.length > 2 ? Double.parseDouble(args[2]) : 12;
    int users = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    int sampleSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 15;
    try (FakeUpstream upstream = FakeUpstream.start(20, 3, 64);
         ServerUnderLoad server = ServerUnderLoad.start(backend, "database: {maxPoolSize: 20}\n"
             + "rateLimits:\n  perSubject: {requestsPerMinute: 600, tokensPerMinute: 1000000000}\n"
             + "  perApiKey: {requestsPerMinute: " + KEY_REQUESTS_PER_MINUTE + ", tokensPerMinute: 1000000000}\n"
             + "providers:\n  - {name: fake, baseUrl: \"" + upstream.baseUrl() + "\", models: [" + String.join(", ", MODELS)
             + "], readTimeoutMs: 30000}\n")) {
      System.out.printf(Locale.ROOT, "soak backend=%s seconds=%d rate=%.1f/s (+ noisy key %.1f/s) users=%d sampleSeconds=%d"
              + " cores=%d maxHeapMiB=%d%n", backend, seconds, rate, NOISY_PER_SECOND, users, sampleSeconds,
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      new Soak(server.baseUrl()).run(new JvmGauges(server.confide.database), seconds, rate, users, sampleSeconds);
    }
  }

  private void run(JvmGauges gauges, int seconds, double rate, int userCount, int sampleSeconds) throws Exception {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < userCount; i++) {
      User user = new User(clientExecutor);
      signUp(user);
      users.add(user);
    }
    User noisy = new User(clientExecutor);
    signUp(noisy);
    List<Op> deck = new ArrayList<>();
    for (Op op : Op.values()) {
      for (int i = 0; i < op.weight; i++) {
        deck.add(op);
      }
    }
    ThreadPoolExecutor workers = new ThreadPoolExecutor(64, 64, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
        daemon("soak-worker"));
    ScheduledExecutorService arrivals = Executors.newSingleThreadScheduledExecutor(daemon("soak-arrivals"));
    arrivals.scheduleAtFixedRate(() -> {
      Op op;
      User user;
      synchronized (random) {
        op = deck.get(random.nextInt(deck.size()));
        user = users.get(random.nextInt(users.size()));
      }
      workers.execute(() -> perform(op, user));
    }, 0, Math.round(1e9 / rate), TimeUnit.NANOSECONDS);
    arrivals.scheduleAtFixedRate(() -> workers.execute(() -> openAiStream(noisy, "noisy_stream", false)),
        0, Math.round(1e9 / NOISY_PER_SECOND), TimeUnit.NANOSECONDS);

    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    System.out.println("  t(s)  heapAfterGC(MiB)  h2Cache(MiB)  threads  openFiles  pool(active/idle/waiting)  ok  429  errors"
        + "  backlog  stream p50/p99(ms)");
    samples.add(sample(gauges, 0, workers));
    for (long t = sampleSeconds; t <= seconds; t += sampleSeconds) {
      long wait = start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      samples.add(sample(gauges, t, workers));
    }
    arrivals.shutdownNow();
    workers.shutdown();
    boolean drained = workers.awaitTermination(60, TimeUnit.SECONDS);
    System.out.println(drained ? "all issued requests finished" : "WARNING: requests still running 60 s after the end");
    report(samples, seconds);
    clientExecutor.shutdownNow();
  }

  private Sample sample(JvmGauges gauges, long second, ThreadPoolExecutor workers) {
    JvmGauges.Reading jvm = gauges.read();
    List<Long> streams = tally.drainStreamMicros();
    Collections.sort(streams);
    Sample s = new Sample(second, jvm, tally.ok.sumThenReset(), tally.limited.sumThenReset(), tally.errors.sumThenReset(),
        workers.getQueue().size(), percentile(streams, 50), percentile(streams, 99));
    System.out.printf(Locale.ROOT, "%6d  %16.1f  %12d  %7d  %9d  %10d/%d/%d  %14d  %3d  %6d  %7d  %8.1f/%.1f%n", s.second,
        jvm.heapAfterGcBytes() / 1048576.0, jvm.h2CacheMiB(), jvm.threads(), jvm.openFiles(), jvm.poolActive(), jvm.poolIdle(),
        jvm.poolWaiting(),
        s.ok, s.limited, s.errors, s.backlog, s.p50Micros / 1000.0, s.p99Micros / 1000.0);
    return s;
  }

  private void perform(Op op, User user) {
    synchronized (user) { // one person does one thing at a time; two requests of one user must not race
      try {
        switch (op) {
          case OPENAI_STREAM -> openAiStream(user, "openai_stream", true);
          case NATIVE_STREAM -> nativeStream(user);
          case HISTORY_LIST -> tallied("history_list", send(user, "GET", "/api/conversations?limit=20", null, false));
          case HISTORY_VIEW -> {
            String conversation = user.conversations.peekLast();
            if (conversation == null) {
              nativeStream(user);
            } else {
              tallied("history_view", send(user, "GET", "/api/conversations/" + conversation, null, false));
            }
          }
          case SETTINGS -> settings(user);
          case FEEDBACK -> feedback(user);
          case COMPARE -> compare(user);
          case EXPORT -> export(user);
          case CHURN -> churn(user);
          default -> throw new IllegalStateException(op.name());
        }
      } catch (RuntimeException e) {
        tally.count(op.name().toLowerCase(Locale.ROOT), -1, false, e.toString());
      }
    }
  }

  private void openAiStream(User user, String op, boolean keep) {
    String body = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
        + JSON.valueToTree(prompt()) + "}]}";
    long started = System.nanoTime();
    Reply r = send(user, "POST", "/v1/chat/completions", body, true);
    boolean complete = r.status() != 200 || r.body().contains("data: [DONE]");
    tally.count(op, r.status(), complete, r.body());
    if (r.status() == 200 && complete) {
      tally.streamMicros.add((System.nanoTime() - started) / 1000);
      if (keep) {
        r.response().headers().firstValue("X-Confide-Conversation").ifPresent(c -> remember(user, c));
      }
    }
  }

  private void nativeStream(User user) {
    String existing = user.conversations.isEmpty() || random(2) == 0 ? null : user.conversations.peekLast();
    String path = existing == null ? "/api/conversations" : "/api/conversations/" + existing + "/messages";
    long started = System.nanoTime();
    Reply r = send(user, "POST", path, "{\"model\":\"" + MODEL + "\",\"content\":" + JSON.valueToTree(prompt()) + "}", false,
        "Accept", "text/event-stream");
    boolean complete = r.status() != 200 || r.body().contains("event: done");
    tally.count("native_stream", r.status(), complete && !r.body().contains("event: error"), r.body());
    if (r.status() == 200 && complete) {
      tally.streamMicros.add((System.nanoTime() - started) / 1000);
      if (existing == null) {
        r.response().headers().firstValue("X-Confide-Conversation").ifPresent(c -> remember(user, c));
      }
    }
  }

  private void settings(User user) {
    Object retention = switch (random(3)) {
      case 0 -> 30;
      case 1 -> 365;
      default -> "keep";
    };
    String body = JSON.createObjectNode().putPOJO("chatRetentionDays", retention).put("trainingOptOut", random(2) == 0)
        .put("optOutOfSale", random(2) == 0).toString();
    tallied("settings_patch", send(user, "PATCH", "/api/settings", body, false));
  }

  private void feedback(User user) {
    String conversation = user.conversations.peekLast();
    if (conversation == null) {
      nativeStream(user);
      return;
    }
    Reply view = tallied("history_view", send(user, "GET", "/api/conversations/" + conversation, null, false));
    if (view.status() != 200) {
      return;
    }
    String message = null;
    for (JsonNode m : view.json().path("messages")) {
      if (m.path("role").asText().equals("assistant")) {
        message = m.path("id").asText();
      }
    }
    if (message != null) {
      tallied("feedback", send(user, "POST", "/api/messages/" + message + "/feedback",
          "{\"rating\":\"" + (random(2) == 0 ? "up" : "down") + "\"}", false));
    }
  }

  private void compare(User user) {
    String conversation = user.conversations.peekLast();
    if (conversation == null) {
      nativeStream(user);
      return;
    }
    Reply compared = tallied("compare", send(user, "POST", "/api/conversations/" + conversation + "/compare",
        JSON.createObjectNode().put("content", prompt()).set("models", JSON.valueToTree(MODELS)).toString(), false));
    if (compared.status() == 201) {
      String choice = List.of("a", "b", "tie", "both_bad").get(random(4));
      tallied("decision", send(user, "POST", "/api/comparisons/" + compared.json().path("id").asText() + "/decision",
          "{\"choice\":\"" + choice + "\"}", false));
    }
  }

  private void export(User user) {
    Reply filed = tallied("export_request", send(user, "POST", "/api/privacy/requests", "{\"type\":\"export\"}", false));
    if (filed.status() != 201) {
      return;
    }
    String download = filed.json().path("download").asText(null);
    if (download == null) {
      tally.count("export_download", 0, false, "export request not completed at once: " + filed.body());
      return;
    }
    Reply archive = send(user, "GET", download, null, false);
    tally.count("export_download", archive.status(), archive.status() != 200 || archive.body().startsWith("PK"),
        archive.status() == 200 ? "not a zip archive" : archive.body());
  }

  /** The account erases itself (DELETE /api/me) and a new one signs up in its slot. */
  private void churn(User user) {
    Reply erased = tallied("erase_me", send(user, "DELETE", "/api/me", null, false));
    if (erased.status() == 200) {
      user.cookies.getCookieStore().removeAll();
      user.conversations.clear();
      signUp(user);
    }
  }

  private void signUp(User user) {
    long n = accounts.incrementAndGet();
    Reply signed = tallied("signup", send(user, "POST", "/api/auth/signup", JSON.createObjectNode()
        .put("name", "Soak User " + n).put("email", "soak-" + n + "-" + UUID.randomUUID() + "@example.com")
        .put("password", "a long soak passphrase " + n).put("birthDate", "1990-01-01").toString(), false));
    if (signed.status() != 201) {
      throw new IllegalStateException("sign-up failed: " + signed.body());
    }
    user.csrf = signed.json().path("csrfToken").asText();
    Reply key = tallied("key_create", send(user, "POST", "/api/keys", "{\"name\":\"soak\"}", false));
    user.key = key.json().path("secret").asText();
  }

  /** A new conversation of the user's; beyond {@link #MAX_CONVERSATIONS} the oldest is deleted. */
  private void remember(User user, String conversation) {
    user.conversations.addLast(conversation);
    if (user.conversations.size() > MAX_CONVERSATIONS) {
      String oldest = user.conversations.removeFirst();
      Reply deleted = send(user, "DELETE", "/api/conversations/" + oldest, null, false);
      tally.count("conversation_delete", deleted.status(), true, deleted.body());
    }
  }

  private Reply tallied(String op, Reply r) {
    tally.count(op, r.status(), true, r.body());
    return r;
  }

  private Reply send(User user, String method, String path, String body, boolean bearer, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer) {
      b.header("Authorization", "Bearer " + user.key);
    } else if (user.csrf != null) {
      b.header("X-CSRF-Token", user.csrf);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      HttpResponse<String> r = user.client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
      return new Reply(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      return new Reply(-1, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, "interrupted", null);
    }
  }

  private void report(List<Sample> samples, int seconds) {
    System.out.println();
    System.out.println("| operation | status | count |");
    System.out.println("|---|---|---:|");
    new TreeMap<>(tally.byOpAndStatus).forEach((k, v) -> {
      int space = k.lastIndexOf(' ');
      System.out.printf(Locale.ROOT, "| %s | %s | %d |%n", k.substring(0, space), k.substring(space + 1), v.sum());
    });
    long ok = samples.stream().mapToLong(Sample::ok).sum();
    long limited = samples.stream().mapToLong(Sample::limited).sum();
    long errors = samples.stream().mapToLong(Sample::errors).sum() + tally.errors.sum();
    System.out.printf(Locale.ROOT, "totals: ok=%d rate-limited=%d errors=%d (%.1f requests/s answered)%n", ok, limited, errors,
        (ok + limited) / (double) seconds);
    if (!tally.firstErrors.isEmpty()) {
      System.out.println("first errors:");
      tally.firstErrors.forEach(e -> System.out.println("  " + e));
    }
    boolean grew = verdict(samples, seconds);
    System.out.println(errors == 0 && !grew ? "VERDICT: PASS (no errors beyond the rate limits, no growth)"
        : "VERDICT: FAIL (" + (errors > 0 ? errors + " errors" : "") + (grew ? (errors > 0 ? ", " : "") + "growth" : "") + ")");
  }

  /**
   * Growth, per gauge, over the samples after warm-up (the first fifth of the run, at most 120 s:
   * JIT, pools and caches filling): the median of the last quarter against the median of the
   * first, and the least-squares slope. A gauge grew when the last quarter exceeds the first by more
   * than its tolerance:
   *
   * <ul>
   *   <li>heap after GC (on H2 less H2's page cache, which lives in the same heap and fills up to
   *       its cap of 16 MiB as the database file grows; it is reported beside): 8 MiB or 10 %,
   *       whichever is more — other bounded caches (statements, subject keys, rate-limit buckets,
   *       JIT-compiled lambdas' classes) settle over minutes, and the driver's own live objects
   *       share the heap. At the ~21 requests/s this mix answers, the middles of the first and
   *       last quarter of a 10-minute run are 6 minutes and ~7,500 requests apart, so a leak of
   *       1.2 KiB or more per request is flagged; smaller ones show in the slope;
   *   <li>threads and open files: 8 or 10 % — Jetty's pool grows and shrinks with momentary
   *       concurrency (idle threads leave after 60 s), and keep-alive connections come and go.
   * </ul>
   */
  private static boolean verdict(List<Sample> samples, int seconds) {
    long warmUp = Math.min(120, seconds / 5);
    List<Sample> steady = samples.stream().filter(s -> s.second >= warmUp).toList();
    if (steady.size() < 4) {
      System.out.println("too few samples after warm-up for a verdict");
      return false;
    }
    System.out.printf(Locale.ROOT, "%n| gauge (after %d s warm-up) | first quarter median | last quarter median | change "
        + "| slope per 10 min | tolerance | grew |%n|---|---:|---:|---:|---:|---:|---|%n", warmUp);
    boolean h2 = steady.get(0).jvm.h2CacheMiB() >= 0;
    boolean grew = gauge("heap after GC (MiB)", steady, s -> s.jvm.heapAfterGcBytes() / 1048576.0,
        h2 ? Double.MAX_VALUE : 8, 0.10);
    if (h2) {
      gauge("H2 page cache (MiB, capped)", steady, s -> s.jvm.h2CacheMiB(), Double.MAX_VALUE, 0);
      grew = gauge("heap after GC less H2 cache (MiB)", steady,
          s -> s.jvm.heapAfterGcBytes() / 1048576.0 - s.jvm.h2CacheMiB(), 8, 0.10);
    }
    grew |= gauge("live threads", steady, s -> s.jvm.threads(), 8, 0.10);
    grew |= gauge("open file descriptors", steady, s -> s.jvm.openFiles(), 8, 0.10);
    gauge("pool active connections", steady, s -> s.jvm.poolActive(), Double.MAX_VALUE, 0);
    gauge("pool threads waiting", steady, s -> s.jvm.poolWaiting(), Double.MAX_VALUE, 0);
    return grew;
  }

  private static boolean gauge(String name, List<Sample> steady, java.util.function.ToDoubleFunction<Sample> value, double absolute,
      double relative) {
    int quarter = Math.max(1, steady.size() / 4);
    double first = median(steady.subList(0, quarter), value);
    double last = median(steady.subList(steady.size() - quarter, steady.size()), value);
    double n = steady.size();
    double meanT = steady.stream().mapToDouble(s -> s.second).average().orElse(0);
    double meanV = steady.stream().mapToDouble(value).average().orElse(0);
    double cov = steady.stream().mapToDouble(s -> (s.second - meanT) * (value.applyAsDouble(s) - meanV)).sum() / n;
    double var = steady.stream().mapToDouble(s -> (s.second - meanT) * (s.second - meanT)).sum() / n;
    double slope = var == 0 ? 0 : cov / var * 600;
    double tolerance = Math.max(absolute, relative * first);
    boolean grew = last - first > tolerance;
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f | %+.1f | %s | %s |%n", name, first, last, last - first, slope,
        absolute == Double.MAX_VALUE ? "(reported)" : String.format(Locale.ROOT, "%.1f", tolerance), grew ? "YES" : "no");
    return grew;
  }

  private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
    double[] v = samples.stream().mapToDouble(value).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private String prompt() {
    return PROMPTS.get(random(PROMPTS.size()));
  }

  private int random(int bound) {
    synchronized (random) {
      return random.nextInt(bound);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
