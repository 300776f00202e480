package dev.confide.bench;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.store.Database;
import dev.confide.store.DatabaseSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Seal + open of one field through Confide's {@link Sealer} versus the same work done with raw JCE
 * {@code AES/GCM/NoPadding}: 256-bit key, fresh random 12-byte IV per operation, 128-bit tag,
 * encrypt then decrypt, with associated data of the same bytes Confide binds for the field.
 *
 * <p>The raw side is deliberately the strictest baseline: its associated data is built once,
 * its {@link Cipher} object is reused (re-initialised per operation, as Tink does with its
 * thread-local cipher), and it encrypts straight into the stored form (IV, ciphertext, tag).
 * Everything Confide does beyond that — key lookup through the cache, the daily key-version
 * check, building the associated data per call, Tink's keyset wrapper and 5-byte key-id prefix —
 * counts as Confide's overhead.
 *
 * <p>{@link #confideSealOpen} and {@link #rawAesGcmSealOpen} are separate trials, run one after
 * the other; {@link #alternating} does both in one trial, which is what to read when the machine
 * is noisy.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Benchmark)
public class SealingBenchmark {
  private static final int IV_SIZE = 12;
  private static final int TAG_SIZE = 16;
  private static final int BATCH = 64;

  @Param({"64", "1024", "16384"})
  public int payloadSize;

  private Path dir;
  private Database db;
  private Sealer sealer;
  private FieldRef field;
  private byte[] payload;

  private SecretKeySpec rawKey;
  private SecureRandom random;
  private Cipher rawCipher;
  private byte[] rawAssociatedData;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    dir = BenchSupport.tempDir("confide-bench-sealing");
    try {
      db = Database.open(DatabaseSettings.embedded(dir, 4));
      SubjectKeys subjectKeys = BenchSupport.subjectKeys(db, dir);
      UUID subject = UUID.randomUUID();
      db.jdbi().useTransaction(h -> subjectKeys.create(h, subject));
      sealer = subjectKeys.sealer(subject);
      UUID rowId = UUID.randomUUID();
      field = FieldRef.of("messages", "content", rowId);

      random = new SecureRandom();
      payload = new byte[payloadSize];
      random.nextBytes(payload);

      byte[] keyBytes = new byte[32];
      random.nextBytes(keyBytes);
      rawKey = new SecretKeySpec(keyBytes, "AES");
      rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
      // Same bytes as FieldRef's associated data for this field and subject.
      rawAssociatedData = ("confide-field-v1\0messages\0content\0" + rowId + '\0' + subject)
          .getBytes(StandardCharsets.UTF_8);

      // Fail fast if either side does not round-trip.
      if (!Arrays.equals(payload, confideSealOpen()) || !Arrays.equals(payload, rawAesGcmSealOpen())) {
        throw new IllegalStateException("round trip failed");
      }
    } catch (RuntimeException | GeneralSecurityException e) {
      tearDown(); // JMH does not tear down after a failed set-up
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (db != null) {
      db.close();
    }
    BenchSupport.deleteRecursively(dir);
  }

  @Benchmark
  public byte[] confideSealOpen() {
    return sealer.open(field, sealer.seal(field, payload));
  }

  @Benchmark
  public byte[] rawAesGcmSealOpen() throws GeneralSecurityException {
    byte[] iv = new byte[IV_SIZE];
    random.nextBytes(iv);
    // The stored form is IV then ciphertext and tag, written in place as Tink does.
    byte[] stored = new byte[IV_SIZE + payload.length + TAG_SIZE];
    System.arraycopy(iv, 0, stored, 0, IV_SIZE);
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(TAG_SIZE * 8, iv));
    rawCipher.updateAAD(rawAssociatedData);
    rawCipher.doFinal(payload, 0, payload.length, stored, IV_SIZE);
    // Opening reads the IV back from the stored bytes.
    rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(TAG_SIZE * 8, stored, 0, IV_SIZE));
    rawCipher.updateAAD(rawAssociatedData);
    return rawCipher.doFinal(stored, IV_SIZE, stored.length - IV_SIZE);
  }

  /**
   * Both sides in one trial, in alternating batches of {@value #BATCH} seal+open round trips,
   * each batch timed as a whole, so that whatever else the machine does during the run falls on
   * both sides alike. The order flips on every call. Reported as JMH "events" (round trips and
   * nanoseconds per side); {@code ratios.py} turns them into round trips per second and the ratio.
   */
  @Benchmark
  public void alternating(PairedTimes times, Blackhole bh) throws GeneralSecurityException {
    times.confideFirst = !times.confideFirst;
    if (times.confideFirst) {
      confideBatch(times, bh);
      rawBatch(times, bh);
    } else {
      rawBatch(times, bh);
      confideBatch(times, bh);
    }
  }

  private void confideBatch(PairedTimes times, Blackhole bh) {
    long start = System.nanoTime();
    for (int i = 0; i < BATCH; i++) {
      bh.consume(confideSealOpen());
    }
    times.confideNanos += System.nanoTime() - start;
    times.confideOps += BATCH;
  }

  private void rawBatch(PairedTimes times, Blackhole bh) throws GeneralSecurityException {
    long start = System.nanoTime();
    for (int i = 0; i < BATCH; i++) {
      bh.consume(rawAesGcmSealOpen());
    }
    times.rawNanos += System.nanoTime() - start;
    times.rawOps += BATCH;
  }

  /** Per-side round trips and time for {@link #alternating}; reset every iteration. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class PairedTimes {
    public long confideOps;
    public long confideNanos;
    public long rawOps;
    public long rawNanos;
    boolean confideFirst;

    @Setup(Level.Iteration)
    public void reset() {
      confideOps = 0;
      confideNanos = 0;
      rawOps = 0;
      rawNanos = 0;
    }
  }
}
