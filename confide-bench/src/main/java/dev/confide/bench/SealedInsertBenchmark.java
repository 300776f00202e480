package dev.confide.bench;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.store.Database;
import dev.confide.store.DatabaseSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealed row inserts per second versus plain inserts of the same plaintext, on the embedded H2
 * file database and on PostgreSQL (DESIGN.md section 7, "write path").
 *
 * <p>Both sides insert one row per autocommit statement through JDBI into the same table shape
 * ({@code id UUID, subject_id UUID, payload BYTEA}) with a fresh random row id, so the database
 * work is identical except for the bytes: the plain row stores the 1 KiB plaintext, the sealed
 * row stores the sealed form of that same 1 KiB plaintext, which is 33 bytes longer (5-byte Tink
 * key-id prefix, 12-byte IV, 16-byte tag). The sealed side pays for the seal (key lookup through
 * the cache, associated data, AES-256-GCM) and for those 33 bytes; nothing else differs.
 *
 * <p>Each trial (one per benchmark method and backend) gets its own database: a fresh H2 file in
 * a temporary directory, or a fresh PostgreSQL schema {@code bench_<random>} that is dropped at
 * tear-down. Each iteration starts from an empty table.
 *
 * <p>{@link #plainInsert} and {@link #sealedInsert} are separate trials, run one after the other;
 * {@link #alternating} does both in one trial, which is what to read when the machine is noisy.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@State(Scope.Benchmark)
public class SealedInsertBenchmark {
  static final int PAYLOAD_SIZE = 1024;
  /** The same PostgreSQL the test suite uses, overridable through the same variables. */
  static final String POSTGRES_URL =
      System.getenv().getOrDefault("CONFIDE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String POSTGRES_USER = System.getenv().getOrDefault("CONFIDE_TEST_PG_USER", "postgres");

  private static final String INSERT =
      "INSERT INTO bench_rows (id, subject_id, payload) VALUES (:id, :subject, :payload)";

  @Param({"h2", "postgresql"})
  public String backend;

  private Path dir;
  private String schema;
  private Database db;
  private UUID subject;
  private Sealer sealer;
  private byte[] payload;
  private boolean checkpointWarned;

  @Setup(Level.Trial)
  public void setUp() {
    dir = BenchSupport.tempDir("confide-bench-insert");
    try {
      DatabaseSettings settings = switch (backend) {
        case "h2" -> DatabaseSettings.embedded(dir, 4);
        case "postgresql" -> {
          schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
          yield new DatabaseSettings(POSTGRES_URL, POSTGRES_USER, "", schema, 4);
        }
        default -> throw new IllegalArgumentException("unknown backend " + backend);
      };
      db = Database.open(settings);
      db.jdbi().useHandle(h -> h.execute(
          "CREATE TABLE bench_rows (id UUID PRIMARY KEY, subject_id UUID NOT NULL, payload BYTEA NOT NULL)"));

      SubjectKeys subjectKeys = BenchSupport.subjectKeys(db, dir);
      subject = UUID.randomUUID();
      db.jdbi().useTransaction(h -> subjectKeys.create(h, subject));
      sealer = subjectKeys.sealer(subject);

      payload = new byte[PAYLOAD_SIZE];
      new SecureRandom().nextBytes(payload);
    } catch (RuntimeException e) {
      tearDown(); // JMH does not tear down after a failed set-up
      throw e;
    }
  }

  /**
   * Every iteration (warm-up and measured) starts from an empty, checkpointed table, so both sides
   * insert into the same table state and no iteration pays for the previous one's background
   * writes. Not timed. On PostgreSQL, CHECKPOINT needs superuser or pg_checkpoint; without it the
   * checkpoint is skipped.
   */
  @Setup(Level.Iteration)
  public void emptyTable() {
    db.jdbi().useHandle(h -> h.execute("TRUNCATE TABLE bench_rows"));
    try {
      db.jdbi().useHandle(h -> h.execute("CHECKPOINT"));
    } catch (RuntimeException e) {
      if (!checkpointWarned) {
        checkpointWarned = true;
        System.err.println("CHECKPOINT not allowed, iterations start without one: " + e.getMessage());
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (db != null && schema != null) {
        db.jdbi().useHandle(h -> h.execute("DROP SCHEMA " + schema + " CASCADE"));
      }
    } finally {
      if (db != null) {
        db.close();
      }
      BenchSupport.deleteRecursively(dir);
    }
  }

  @Benchmark
  public int plainInsert() {
    UUID id = UUID.randomUUID();
    return insert(id, payload);
  }

  @Benchmark
  public int sealedInsert() {
    UUID id = UUID.randomUUID();
    return insert(id, sealer.seal(FieldRef.of("bench_rows", "payload", id), payload));
  }

  /**
   * Both kinds of insert, alternated within one trial and timed separately, so that whatever else
   * the machine does during the run (other processes, the database's background writes and
   * checkpoints) falls on both sides alike. The order within each pair flips on every call.
   * Reported as JMH "events": rows and nanoseconds per side, and the time spent inside the seal
   * call; {@code ratios.py} turns them into rows per second and the sealed/plain ratio. (The sealed
   * side's two extra clock reads, some 50 ns a row, count against it.)
   */
  @Benchmark
  public int alternating(PairedTimes times) {
    times.sealedFirst = !times.sealedFirst;
    if (times.sealedFirst) {
      return timedSealed(times) + timedPlain(times);
    }
    return timedPlain(times) + timedSealed(times);
  }

  private int timedPlain(PairedTimes times) {
    long start = System.nanoTime();
    int rows = plainInsert();
    times.plainNanos += System.nanoTime() - start;
    times.plainRows += rows;
    return rows;
  }

  private int timedSealed(PairedTimes times) {
    long start = System.nanoTime();
    UUID id = UUID.randomUUID();
    long sealStart = System.nanoTime();
    byte[] sealed = sealer.seal(FieldRef.of("bench_rows", "payload", id), payload);
    long sealEnd = System.nanoTime();
    int rows = insert(id, sealed);
    long end = System.nanoTime();
    times.sealedNanos += end - start;
    times.sealNanos += sealEnd - sealStart;
    times.sealedRows += rows;
    return rows;
  }

  /**
   * Per-side row counts and time for {@link #alternating}; reset every iteration. {@code sealNanos}
   * is the part of {@code sealedNanos} spent inside {@link Sealer#seal}.
   */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class PairedTimes {
    public long plainRows;
    public long plainNanos;
    public long sealedRows;
    public long sealedNanos;
    public long sealNanos;
    boolean sealedFirst;

    @Setup(Level.Iteration)
    public void reset() {
      plainRows = 0;
      plainNanos = 0;
      sealedRows = 0;
      sealedNanos = 0;
      sealNanos = 0;
    }
  }

  private int insert(UUID id, byte[] bytes) {
    return db.jdbi().withHandle(h -> h.createUpdate(INSERT)
        .bind("id", id).bind("subject", subject).bind("payload", bytes)
        .execute());
  }
}
