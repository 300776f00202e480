package dev.confide.bench.privacy;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.rights.AccessReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Handle;

/**
 * Export throughput (DESIGN.md section 7): a subject's access/export archive ({@link
 * AccessReport#write}) versus raw decryption of the same sealed fields, in MB/s of the plaintext
 * those fields hold (message contents and conversation titles), in one run.
 *
 * <ul>
 *   <li><b>archive</b>: {@code AccessReport.write(subject, out)}, the zip streamed into a stream that
 *       only counts it (read, open, serialize, compress);
 *   <li><b>raw decrypt</b>: the subject's sealed fields, read beforehand, each opened with the
 *       subject's {@link Sealer} — nothing else;
 *   <li><b>read + decrypt</b>: one query per table for the same fields, opened as they arrive (the
 *       rows read from the database and opened: the least an export can do);
 *   <li><b>export request</b> (for reference): a whole export request as a user files it — archive
 *       sealed and stored in chunks, receipt signed — then downloaded and opened.
 * </ul>
 *
 * <p>Each round runs all four, in an order that reverses every round. {@code deflateLevels} (comma
 * separated, default {@code 1}) sets the engine's {@code accessArchive.deflateLevel} to the first;
 * each further level adds an archive variant at that level, reported beside the first.
 *
 * <pre>java -cp confide-bench/target/confide-bench.jar dev.confide.bench.privacy.ExportThroughput h2|postgresql [conversations] [messagesPerConversation] [messageChars] [rounds] [deflateLevels]</pre>
 */
public final class ExportThroughput {
  private static final int WARM_UP_ROUNDS = 3;
  private static final double MB = 1_000_000;
  /** Thread CPU time is reported beside wall time: on a shared machine it is the steadier of the two. */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /**
   * The archive reads its messages on a second thread, whose CPU time the thread figure leaves out;
   * the process's CPU time counts it (and whatever else the JVM did meanwhile: GC, JIT).
   */
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ExportThroughput() {}

  /** One sealed field as stored, with the place it is bound to. */
  private record SealedField(FieldRef field, byte[] sealed) {}

  public static void main(String[] args) {
    String backend = args.length > 0 ? args[0] : "h2";
    int conversations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int perConversation = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int chars = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
    List<Integer> levels = java.util.Arrays.stream((args.length > 5 ? args[5] : "1").split(",")).map(Integer::parseInt).toList();
    try (BenchEngine engine = BenchEngine.open(backend, 10, "accessArchive: {deflateLevel: " + levels.get(0) + "}\n")) {
      System.out.printf(Locale.ROOT, "export backend=%s conversations=%d messagesPerConversation=%d messageChars=%d rounds=%d"
          + " deflateLevels=%s cores=%d%n", backend, conversations, perConversation, chars, rounds, levels,
          Runtime.getRuntime().availableProcessors());
      UUID subject = engine.newSubject();
      for (int i = 0; i < conversations; i++) {
        engine.conversation(subject, perConversation, chars);
      }
      engine.checkpoint();
      AccessReport report = engine.confide.accessReport;
      Sealer sealer = engine.confide.subjectKeys.sealer(subject);
      List<SealedField> fields = engine.confide.database.jdbi().withHandle(h -> sealedFields(h, subject));
      long plaintextBytes = rawDecrypt(sealer, fields);
      System.out.printf(Locale.ROOT, "%d sealed fields, %.2f MB of plaintext%n", fields.size(), plaintextBytes / MB);
      for (int level : levels) {
        System.out.printf(Locale.ROOT, "archive at deflate level %d: %.2f MB%n", level,
            archive(report.withDeflateLevel(level), subject) / MB);
      }

      List<Variant> variants = new ArrayList<>(List.of(
          new Variant("archive", () -> archive(report, subject)),
          new Variant("raw decrypt", () -> rawDecrypt(sealer, fields)),
          new Variant("read + decrypt", () -> engine.confide.database.jdbi().withHandle(h -> rawDecrypt(sealer, sealedFields(h, subject)))),
          new Variant("export request", () -> {
            var request = engine.confide.privacyRequests.submit(subject, "export", null, List.of());
            try (var in = engine.confide.privacyRequests.download(subject, request.id())) {
              return in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })));
      for (int level : levels.subList(1, levels.size())) {
        AccessReport atLevel = report.withDeflateLevel(level);
        variants.add(new Variant("archive level " + level, () -> archive(atLevel, subject)));
      }
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        variants.forEach(v -> v.work.getAsLong());
      }
      Samples ratios = new Samples();
      Samples cpuRatios = new Samples();
      Samples readRatios = new Samples();
      Samples readCpuRatios = new Samples();
      Samples processRatios = new Samples();
      List<Samples> levelRatios = new ArrayList<>();
      List<Samples> levelCpuRatios = new ArrayList<>();
      for (int i = 4; i < variants.size(); i++) {
        levelRatios.add(new Samples());
        levelCpuRatios.add(new Samples());
      }
      for (int r = 0; r < rounds; r++) {
        List<Variant> order = new ArrayList<>(variants);
        if (r % 2 == 1) {
          Collections.reverse(order);
        }
        order.forEach(Variant::timeOnce);
        ratios.add(variants.get(1).last / variants.get(0).last);
        cpuRatios.add(variants.get(1).lastCpu / variants.get(0).lastCpu);
        readRatios.add(variants.get(2).last / variants.get(0).last);
        readCpuRatios.add(variants.get(2).lastCpu / variants.get(0).lastCpu);
        processRatios.add(variants.get(1).lastProcess / variants.get(0).lastProcess);
        for (int i = 4; i < variants.size(); i++) {
          levelRatios.get(i - 4).add(variants.get(1).last / variants.get(i).last);
          levelCpuRatios.get(i - 4).add(variants.get(1).lastCpu / variants.get(i).lastCpu);
        }
        System.out.printf(Locale.ROOT, "round %d: archive %.1f MB/s, raw decrypt %.1f MB/s, read + decrypt %.1f MB/s, export request %.1f MB/s%n",
            r + 1, plaintextBytes / MB / (variants.get(0).last / 1e9), plaintextBytes / MB / (variants.get(1).last / 1e9),
            plaintextBytes / MB / (variants.get(2).last / 1e9), plaintextBytes / MB / (variants.get(3).last / 1e9));
      }
      for (Variant v : variants) {
        System.out.printf(Locale.ROOT, "%s: ms median (min–max) = %s, MB/s at the median %.1f; thread CPU ms = %s, MB per CPU second %.1f;"
            + " process CPU ms = %s%n",
            v.name, v.times.spread(1e6, "%.1f"), plaintextBytes / MB / (v.times.median() / 1e9), v.cpuTimes.spread(1e6, "%.1f"),
            plaintextBytes / MB / (v.cpuTimes.median() / 1e9), v.processTimes.spread(1e6, "%.1f"));
      }
      System.out.printf(Locale.ROOT, "archive/raw decrypt throughput, per round: median (min–max) = %s; on thread CPU time %s%n",
          ratios.spread(1, "%.4f"), cpuRatios.spread(1, "%.4f"));
      System.out.printf(Locale.ROOT, "archive/raw decrypt on process CPU time, per round: median (min–max) = %s%n",
          processRatios.spread(1, "%.4f"));
      System.out.printf(Locale.ROOT, "archive/read + decrypt throughput, per round: median (min–max) = %s; on thread CPU time %s%n",
          readRatios.spread(1, "%.4f"), readCpuRatios.spread(1, "%.4f"));
      for (int i = 4; i < variants.size(); i++) {
        System.out.printf(Locale.ROOT, "%s/raw decrypt throughput, per round: median (min–max) = %s; on thread CPU time %s%n",
            variants.get(i).name, levelRatios.get(i - 4).spread(1, "%.4f"), levelCpuRatios.get(i - 4).spread(1, "%.4f"));
      }
    }
  }

  /** A measured variant; {@code work} returns a count so the JIT cannot drop it. */
  private static final class Variant {
    final String name;
    final LongSupplier work;
    final Samples times = new Samples();
    final Samples cpuTimes = new Samples();
    final Samples processTimes = new Samples();
    double last;
    double lastCpu;
    double lastProcess;
    long sink;

    Variant(String name, LongSupplier work) {
      this.name = name;
      this.work = work;
    }

    void timeOnce() {
      long processStart = PROCESS.getProcessCpuTime();
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      sink += work.getAsLong();
      last = System.nanoTime() - start;
      lastCpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      lastProcess = PROCESS.getProcessCpuTime() - processStart;
      times.add(last);
      cpuTimes.add(lastCpu);
      processTimes.add(lastProcess);
    }
  }

  /** The archive as the engine writes it, into nothing; returns its size. */
  private static long archive(AccessReport report, UUID subject) {
    CountingSink sink = new CountingSink();
    try {
      report.write(subject, sink);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sink.count;
  }

  /** Counts what is written and keeps none of it. */
  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** Every sealed message content and conversation title of the subject. */
  private static List<SealedField> sealedFields(Handle h, UUID subject) {
    List<SealedField> fields = new ArrayList<>();
    h.createQuery("SELECT id, title_sealed FROM conversations WHERE subject_id = :s").bind("s", subject)
        .map((rs, ctx) -> new SealedField(FieldRef.of("conversations", "title", rs.getObject(1, UUID.class)), rs.getBytes(2)))
        .forEach(fields::add);
    h.createQuery("SELECT id, content_sealed FROM messages WHERE subject_id = :s").bind("s", subject)
        .map((rs, ctx) -> new SealedField(FieldRef.of("messages", "content", rs.getObject(1, UUID.class)), rs.getBytes(2)))
        .forEach(fields::add);
    return fields;
  }

  /** Opens every field; returns the plaintext bytes. */
  private static long rawDecrypt(Sealer sealer, List<SealedField> fields) {
    long bytes = 0;
    for (SealedField f : fields) {
      bytes += sealer.open(f.field(), f.sealed()).length;
    }
    return bytes;
  }
}
