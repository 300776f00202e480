package dev.confide.bench.privacy;

import dev.confide.crypto.CannotOpenException;
import dev.confide.crypto.FieldRef;
import dev.confide.rights.ErasureLedgerFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Erasure time (DESIGN.md section 7): {@code Erasure.erase} for subjects with few messages versus
 * subjects with many, in one run, alternating the two sizes (small, large, large, small, ...).
 * Crypto-shredding deletes one key row whatever the subject stored, so the two should match.
 *
 * <p>With {@code purge} as the fifth argument it then times the retention sweep that purges the
 * erased subjects' remaining rows (every subject in the database is erased by then).
 *
 * <pre>java -cp confide-bench/target/confide-bench.jar dev.confide.bench.privacy.ErasureTime h2|postgresql [subjectsPerSize] [largeMessages] [smallMessages] [purge]</pre>
 */
public final class ErasureTime {
  private static final int MESSAGES_PER_CONVERSATION = 1000;
  private static final int MESSAGE_CHARS = 300;
  private static final int WARM_UP_ERASURES = 20;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ErasureTime() {}

  public static void main(String[] args) {
    String backend = args.length > 0 ? args[0] : "h2";
    int perSize = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int large = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    int small = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    boolean purge = args.length > 4 && args[4].equals("purge");
    try (BenchEngine engine = BenchEngine.open(backend, 10)) {
      System.out.printf(Locale.ROOT, "erasure backend=%s subjectsPerSize=%d small=%d large=%d messageChars=%d cores=%d%n",
          backend, perSize, small, large, MESSAGE_CHARS, Runtime.getRuntime().availableProcessors());
      for (int i = 0; i < WARM_UP_ERASURES; i++) {
        engine.confide.erasure.erase(build(engine, small, false), "user_request");
      }
      List<UUID> smalls = new ArrayList<>();
      List<UUID> larges = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < perSize; i++) {
        smalls.add(build(engine, small, false));
        larges.add(build(engine, large, true));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      requireReadable(engine, larges.get(0));
      System.out.printf(Locale.ROOT, "built in %.1f s: small subjects through ChatService.complete, large ones in bulk"
              + " (%d messages per conversation); messages table now %d rows%n", seconds, MESSAGES_PER_CONVERSATION,
          engine.count("SELECT COUNT(*) FROM messages"));
      engine.checkpoint();

      Timings smallTimes = new Timings();
      Timings largeTimes = new Timings();
      System.out.print("erase ms in order:");
      for (int i = 0; i < perSize; i++) {
        // Flip the order every pair, so drift in the machine's load falls on both sizes alike.
        if (i % 2 == 0) {
          timeErasure(engine, smalls.get(i), smallTimes, "S");
          timeErasure(engine, larges.get(i), largeTimes, "L");
        } else {
          timeErasure(engine, larges.get(i), largeTimes, "L");
          timeErasure(engine, smalls.get(i), smallTimes, "S");
        }
      }
      System.out.println();
      larges.forEach(subject -> requireShredded(engine, subject));

      Samples fsyncs = ledgerFsyncs(engine, perSize * 2);
      System.out.printf(Locale.ROOT, "small (%d messages): erase ms p50 (min–max) = %s; thread CPU ms p50 (min–max) = %s%n", small,
          smallTimes.wall.spread(1e6, "%.2f"), smallTimes.cpu.spread(1e6, "%.2f"));
      System.out.printf(Locale.ROOT, "large (%d messages): erase ms p50 (min–max) = %s; thread CPU ms p50 (min–max) = %s%n", large,
          largeTimes.wall.spread(1e6, "%.2f"), largeTimes.cpu.spread(1e6, "%.2f"));
      System.out.printf(Locale.ROOT, "ratio large/small p50: wall %.3f, thread CPU %.3f; erasure ledger file append+fsync alone: p50 %.2f ms%n",
          largeTimes.wall.median() / smallTimes.wall.median(), largeTimes.cpu.median() / smallTimes.cpu.median(), fsyncs.median() / 1e6);
      if (purge) {
        timePurge(engine);
      }
    }
  }

  private static void timeErasure(BenchEngine engine, UUID subject, Timings timings, String label) {
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    engine.confide.erasure.erase(subject, "user_request");
    long elapsed = System.nanoTime() - start;
    timings.wall.add(elapsed);
    timings.cpu.add(THREADS.getCurrentThreadCpuTime() - cpuStart);
    System.out.printf(Locale.ROOT, " %s %.2f", label, elapsed / 1e6);
  }

  /**
   * Wall time, and the CPU time of the erasing thread: on a shared machine the wall time mostly
   * measures how long the thread waited for a core; the CPU time does not (it leaves out the
   * PostgreSQL server's own work).
   */
  private record Timings(Samples wall, Samples cpu) {
    Timings() {
      this(new Samples(), new Samples());
    }
  }

  /**
   * A subject holding {@code messages} sealed messages, in conversations of up to {@value
   * #MESSAGES_PER_CONVERSATION}: through the engine's write path, or its bulk equivalent (same rows).
   */
  private static UUID build(BenchEngine engine, int messages, boolean bulk) {
    UUID subject = engine.newSubject();
    for (int left = messages; left > 0; left -= MESSAGES_PER_CONVERSATION) {
      int size = Math.min(left, MESSAGES_PER_CONVERSATION);
      if (bulk) {
        engine.bulkConversation(subject, size, MESSAGE_CHARS);
      } else {
        engine.conversation(subject, size, MESSAGE_CHARS);
      }
    }
    return subject;
  }

  /** The engine reads a bulk-built conversation like one it wrote: every message on the branch opens. */
  private static void requireReadable(BenchEngine engine, UUID subject) {
    UUID conversation = engine.confide.chat.conversations().list(subject, 1, null).items().get(0).id();
    int turns = engine.confide.chat.conversations().view(subject, conversation).messages().size();
    if (turns != MESSAGES_PER_CONVERSATION) {
      throw new IllegalStateException("bulk-built conversation reads back " + turns + " messages");
    }
  }

  /** After erasure, the subject's sealed rows are still there (purged later) but no longer open. */
  private static void requireShredded(BenchEngine engine, UUID subject) {
    Map<String, Object> row = engine.confide.database.jdbi().withHandle(h -> h.createQuery(
            "SELECT id, content_sealed FROM messages WHERE subject_id = :s LIMIT 1").bind("s", subject).mapToMap().one());
    try {
      engine.confide.subjectKeys.sealer(subject).open(FieldRef.of("messages", "content", row.get("id")), (byte[]) row.get("content_sealed"));
      throw new IllegalStateException("an erased subject's message still opens");
    } catch (CannotOpenException expected) {
      // shredded, as it should be
    }
  }

  /** The sweep that deletes what erasure left (P25, P32): every remaining row of every erased subject. */
  private static void timePurge(BenchEngine engine) {
    long rows = engine.count("SELECT COUNT(*) FROM messages") + engine.count("SELECT COUNT(*) FROM conversations");
    engine.checkpoint();
    long start = System.nanoTime();
    int subjects = engine.confide.retention.run().subjectsPurged();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (engine.count("SELECT COUNT(*) FROM messages") != 0) {
      throw new IllegalStateException("messages left after the purge");
    }
    System.out.printf(Locale.ROOT, "purge: %d subjects, %d message and conversation rows in %.1f s = %.0f rows/s%n", subjects, rows,
        seconds, rows / seconds);
  }

  /** The part of an erasure spent forcing the ledger file to disk, measured on a scratch file beside it. */
  private static Samples ledgerFsyncs(BenchEngine engine, int count) {
    ErasureLedgerFile scratch = new ErasureLedgerFile(engine.confide.config.dataPath().resolve("scratch-ledger.jsonl"));
    Samples times = new Samples();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      scratch.append(new ErasureLedgerFile.Entry(UUID.randomUUID(), UUID.randomUUID(), "user_request", Instant.now()));
      times.add(System.nanoTime() - t0);
    }
    return times;
  }
}
