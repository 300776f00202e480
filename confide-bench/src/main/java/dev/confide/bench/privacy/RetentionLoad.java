package dev.confide.bench.privacy;

import dev.confide.retention.RetentionSweeps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Retention sweeps under load (DESIGN.md section 7): rows expired per second by {@code
 * RetentionSweeps.run(asOf)} over conversations past their retention, and the latency of sealed
 * message writes that run meanwhile versus the same writes with no sweep, in the same run.
 *
 * <p>Each round builds {@code conversations} conversations (a user and an assistant message each,
 * through the engine's write path) on a clock set back past the retention period, then runs paced
 * writers (each appends one sealed user message to its own live conversation through {@code
 * ChatService.complete}) through an idle window and through a sweep. The order of the two windows
 * flips every round, so that what a sweep leaves behind (vacuum, compaction) falls on the idle
 * window half of the time, as it would in production.
 *
 * <pre>java -cp confide-bench/target/confide-bench.jar dev.confide.bench.privacy.RetentionLoad h2|postgresql [conversations] [rounds] [writers] [writesPerSecondPerWriter] [idleSeconds] [batchSize] [pauseRatio] [maxRowsPerSecond]</pre>
 *
 * <p>The last three set the sweep's pacing ({@code retention.*}); {@code default} keeps the default.
 */
public final class RetentionLoad {
  private static final int CONVERSATIONS_PER_SUBJECT = 100;
  private static final int MESSAGE_CHARS = 300;
  private static final int BUILD_THREADS = 4;
  private static final String EXPIRED_CONVERSATIONS = "SELECT COUNT(*) FROM conversations WHERE last_activity_at < :cutoff";

  private RetentionLoad() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "h2";
    int conversations = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int writerCount = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int perSecond = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    int idleSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    // Sweep pacing (retention.* settings): "default" keeps the configuration's default.
    String batchSize = args.length > 6 ? args[6] : "default";
    String pauseRatio = args.length > 7 ? args[7] : "default";
    String maxRowsPerSecond = args.length > 8 ? args[8] : "default";
    StringBuilder pacing = new StringBuilder();
    for (String[] setting : new String[][] {{"batchSize", batchSize}, {"pauseRatio", pauseRatio}, {"maxRowsPerSecond", maxRowsPerSecond}}) {
      if (!setting[1].equals("default")) {
        pacing.append(pacing.isEmpty() ? "" : ", ").append(setting[0]).append(": ").append(setting[1]);
      }
    }
    try (BenchEngine engine = BenchEngine.open(backend, 10, pacing.isEmpty() ? "" : "retention: {" + pacing + "}\n")) {
      int retentionDays = engine.confide.policy.defaults().chatRetentionDays();
      System.out.printf(Locale.ROOT, "retention backend=%s conversations=%d (2 messages each) rounds=%d writers=%d x %d/s idle=%ds"
              + " batchSize=%d pauseRatio=%s maxRowsPerSecond=%d retentionDays=%d cores=%d%n", backend, conversations, rounds, writerCount, perSecond, idleSeconds,
          engine.confide.config.retention().effectiveBatchSize(), engine.confide.config.retention().pauseRatio(),
          engine.confide.config.retention().maxRowsPerSecond(), retentionDays, Runtime.getRuntime().availableProcessors());
      Samples rowsPerSecond = new Samples();
      Samples p99Ratios = new Samples();
      Samples allIdle = new Samples();
      Samples allSweep = new Samples();
      for (int round = 0; round < rounds; round++) {
        buildExpired(engine, conversations, Duration.ofDays(retentionDays + 10));
        Map<String, Instant> cutoff = Map.of("cutoff", Instant.now().minus(Duration.ofDays(retentionDays)));
        long expiredConversations = engine.count(EXPIRED_CONVERSATIONS, cutoff);
        long expiredMessages = engine.count("""
            SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE c.last_activity_at < :cutoff""", cutoff);
        engine.checkpoint();
        Samples idle = new Samples();
        Samples sweep = new Samples();
        long start;
        long end;
        RetentionSweeps.Report report;
        boolean idleFirst = round % 2 == 0;
        try (Writers writers = new Writers(engine, writerCount, perSecond)) {
          writers.record(null, 2); // settle in, unmeasured
          if (idleFirst) {
            writers.record(idle, idleSeconds);
          }
          start = System.nanoTime();
          report = writers.recordDuring(sweep, () -> engine.confide.retention.run(engine.clock.instant()));
          end = System.nanoTime();
          if (!idleFirst) {
            writers.record(idle, idleSeconds);
          }
        }
        double sweepSeconds = (end - start) / 1e9;
        if (report.conversationsExpired() != expiredConversations || engine.count(EXPIRED_CONVERSATIONS, cutoff) != 0) {
          throw new IllegalStateException("the sweep expired " + report.conversationsExpired() + " of " + expiredConversations);
        }
        long rows = expiredConversations + expiredMessages;
        rowsPerSecond.add(rows / sweepSeconds);
        p99Ratios.add(sweep.percentile(99) / idle.percentile(99));
        allIdle.addAll(idle);
        allSweep.addAll(sweep);
        System.out.printf(Locale.ROOT, "round %d (%s first): sweep %.2f s, %d rows (%d conversations + %d messages) = %.0f rows/s%n",
            round + 1, idleFirst ? "idle" : "sweep", sweepSeconds, rows, expiredConversations, expiredMessages, rows / sweepSeconds);
        System.out.printf(Locale.ROOT, "  writes idle: %s | during sweep: %s | p99 ratio %.2f%n", latencies(idle), latencies(sweep),
            sweep.percentile(99) / idle.percentile(99));
      }
      System.out.printf(Locale.ROOT, "rows expired/s per round: median (min–max) = %s%n", rowsPerSecond.spread(1, "%.0f"));
      System.out.printf(Locale.ROOT, "write p99 during sweep / idle, per round: median (min–max) = %s%n", p99Ratios.spread(1, "%.2f"));
      System.out.printf(Locale.ROOT, "all rounds pooled: idle %s | during sweep %s%n", latencies(allIdle), latencies(allSweep));
    }
  }

  /**
   * {@code count} conversations, {@value #CONVERSATIONS_PER_SUBJECT} per subject, written as of
   * {@code age} ago: each a {@code ChatService.complete} of a user and an assistant message.
   */
  private static void buildExpired(BenchEngine engine, int count, Duration age) throws Exception {
    long start = System.nanoTime();
    engine.clock.shift(age.negated());
    ExecutorService pool = Executors.newFixedThreadPool(BUILD_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int left = count; left > 0; left -= CONVERSATIONS_PER_SUBJECT) {
        int n = Math.min(left, CONVERSATIONS_PER_SUBJECT);
        done.add(pool.submit(() -> {
          UUID subject = engine.newSubject();
          for (int i = 0; i < n; i++) {
            engine.conversation(subject, 2, MESSAGE_CHARS);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
      engine.clock.shift(Duration.ZERO);
    }
    System.out.printf(Locale.ROOT, "built %d expired conversations in %.1f s (ChatService.complete, %d threads)%n", count,
        (System.nanoTime() - start) / 1e9, BUILD_THREADS);
  }

  private static String latencies(Samples s) {
    return String.format(Locale.ROOT, "n=%d p50=%.2f p99=%.2f max=%.2f ms", s.size(), s.percentile(50) / 1e6, s.percentile(99) / 1e6,
        s.max() / 1e6);
  }

  /**
   * Writer threads, each appending one sealed message to its own live conversation at a fixed
   * pace, timing each write from its start (a writer that falls behind skips ahead instead of
   * bursting). Latencies go to the current target, or nowhere.
   */
  private static final class Writers implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Samples target;
    private volatile Throwable failure;

    Writers(BenchEngine engine, int count, int perSecond) {
      long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
      for (int i = 0; i < count; i++) {
        UUID subject = engine.newSubject();
        UUID conversation = engine.conversation(subject, 1, MESSAGE_CHARS);
        String content = engine.text(MESSAGE_CHARS);
        Thread t = new Thread(() -> {
          long next = System.nanoTime();
          while (running) {
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            } else if (-wait > interval) {
              next = System.nanoTime();
            }
            Samples into = target;
            long start = System.nanoTime();
            try {
              engine.write(subject, conversation, content);
            } catch (RuntimeException e) {
              failure = e;
              return;
            }
            if (into != null) {
              into.add(System.nanoTime() - start);
            }
          }
        }, "bench-writer-" + i);
        threads.add(t);
        t.start();
      }
    }

    /** Sends latencies to {@code into} (or nowhere) for {@code seconds}. */
    void record(Samples into, int seconds) throws InterruptedException {
      target = into;
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      } finally {
        target = null;
      }
      requireHealthy();
    }

    /** Sends latencies to {@code into} while {@code work} runs. */
    <T> T recordDuring(Samples into, Supplier<T> work) {
      target = into;
      try {
        return work.get();
      } finally {
        target = null;
        requireHealthy();
      }
    }

    private void requireHealthy() {
      if (failure != null) {
        throw new IllegalStateException("a writer failed", failure);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
