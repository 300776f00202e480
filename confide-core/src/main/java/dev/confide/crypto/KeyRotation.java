package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The daily key job (P18): a new key-encryption primary each day, every subject key re-wrapped to
 * it in batches, and key-encryption versions older than the deletion window destroyed once no
 * subject key depends on them. Each step is safe to interrupt: a new primary is saved before any
 * re-wrap, each re-wrap is a compare-and-set, and a version is destroyed only when nothing still
 * needs it. Running again completes whatever an interrupted run left.
 */
public final class KeyRotation {

  /** The points between steps; tests use them to interrupt a run. */
  public enum Step { ROTATED, REWRAPPED_BATCH, DESTROYED }

  /** Told after each step; the production observer does nothing. */
  @FunctionalInterface
  public interface Observer {
    Observer NONE = step -> {};

    void after(Step step);
  }

  /** What one run did. */
  public record Report(boolean rotated, int rewrapped, List<Integer> destroyed) {}

  private final Keyring<Aead> keyEncryption;
  private final SubjectKeys subjectKeys;
  private final CookieSealer cookies;
  private final Clock clock;
  private final Duration deletionWindow;
  private final int batchSize;
  private final Observer observer;

  public KeyRotation(Keyring<Aead> keyEncryption, SubjectKeys subjectKeys, CookieSealer cookies, Clock clock,
      Duration deletionWindow, int batchSize, Observer observer) {
    this.keyEncryption = keyEncryption;
    this.subjectKeys = subjectKeys;
    this.cookies = cookies;
    this.clock = clock;
    this.deletionWindow = deletionWindow;
    this.batchSize = batchSize;
    this.observer = observer;
  }

  /** Rotates when today's primary does not exist yet, then completes re-wrapping and destruction. */
  public Report runDaily() {
    Instant startOfToday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    boolean due = keyEncryption.rotateIfPrimaryCreatedBefore(startOfToday);
    if (due) {
      observer.after(Step.ROTATED);
    }
    cookies.rotateIfDue();
    return complete(due);
  }

  /** Rotates now, whatever the primary's age (the {@code keys rotate} command). */
  public Report rotateNow() {
    keyEncryption.reloadIfChanged();
    keyEncryption.rotate();
    observer.after(Step.ROTATED);
    return complete(true);
  }

  private Report complete(boolean rotated) {
    int rewrapped = 0;
    for (int n = subjectKeys.rewrapBatch(batchSize); n > 0; n = subjectKeys.rewrapBatch(batchSize)) {
      rewrapped += n;
      observer.after(Step.REWRAPPED_BATCH);
    }
    Instant cutoff = clock.instant().minus(deletionWindow);
    Map<Long, Long> stillWrapping = subjectKeys.countByKeyEncryptionKey();
    List<Integer> destroyed = keyEncryption.destroy(version ->
        version.createdAt().isBefore(cutoff) && !stillWrapping.containsKey(version.keyId()));
    if (!destroyed.isEmpty()) {
      observer.after(Step.DESTROYED);
    }
    return new Report(rotated, rewrapped, destroyed);
  }
}
