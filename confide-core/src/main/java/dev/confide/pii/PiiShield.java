package dev.confide.pii;

import dev.confide.problem.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The PII shield in front of model providers (P15, P31): replaces personal data in outgoing texts
 * with placeholders and, when pseudonymizing, gives back a {@link Pseudonymizer} that restores the
 * originals in the answer. It fails closed: if detection throws or runs past its time limit, the
 * request is refused ({@code pii_shield_unavailable}), never sent raw.
 */
public final class PiiShield {
  /**
   * Requests up to this many characters in all are checked on the caller's thread. The standard
   * engine is linear in the text's length (about 0.5 ms of CPU per KB at worst here), so a short
   * request cannot hang, and handing it to another thread and back cost more than detecting it.
   * Longer ones run on the executor, where the time limit can cut them off.
   */
  public static final int INLINE_CHARS = 4096;

  private final PiiDetector detector;
  private final ExecutorService executor;
  private final Duration timeLimit;
  private final int inlineChars;

  /** The texts to send, what restores the answer (null unless pseudonymizing), counts per type. */
  public record Shielded(List<String> texts, Pseudonymizer pseudonymizer, Map<String, Integer> counts, ShieldMode mode) {}

  public PiiShield(PiiDetector detector, ExecutorService executor, Duration timeLimit) {
    this(detector, executor, timeLimit, INLINE_CHARS);
  }

  /** {@code inlineChars} 0 sends every request through the executor. */
  public PiiShield(PiiDetector detector, ExecutorService executor, Duration timeLimit, int inlineChars) {
    this.detector = detector;
    this.executor = executor;
    this.timeLimit = timeLimit;
    this.inlineChars = inlineChars;
  }

  /**
   * Shields the texts of one request together, so a value keeps one placeholder across them. For a
   * mode that sends raw text, detection still runs: the counts say what crossed.
   */
  public Shielded apply(List<String> texts, ShieldMode mode) {
    List<List<PiiEntity>> found = detectAll(texts);
    Map<String, Integer> counts = new TreeMap<>();
    found.forEach(list -> list.forEach(e -> counts.merge(e.type(), 1, Integer::sum)));
    if (mode.sendsRaw()) {
      return new Shielded(texts, null, counts, mode);
    }
    Pseudonymizer pseudonymizer = mode == ShieldMode.PSEUDONYMIZE ? new Pseudonymizer() : null;
    Function<Integer, String> transform = i -> pseudonymizer != null
        ? pseudonymizer.pseudonymize(texts.get(i), found.get(i))
        : Redaction.replaceWithTypes(texts.get(i), found.get(i));
    List<String> shielded = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      shielded.add(transform.apply(i));
    }
    return new Shielded(shielded, pseudonymizer, counts, mode);
  }

  private List<List<PiiEntity>> detectAll(List<String> texts) {
    long chars = 0;
    for (String text : texts) {
      chars += text.length();
    }
    return chars <= inlineChars ? detectInline(texts) : detectOnExecutor(texts);
  }

  /**
   * Fails closed like the executor path: a detector that throws, or that took longer than the time
   * limit (it cannot be cut off here, but its result is not trusted either), refuses the request.
   */
  private List<List<PiiEntity>> detectInline(List<String> texts) {
    long started = System.nanoTime();
    List<List<PiiEntity>> found;
    try {
      found = texts.stream().map(detector::detect).toList();
    } catch (RuntimeException | StackOverflowError e) {
      throw unavailable();
    }
    if (System.nanoTime() - started > timeLimit.toNanos()) {
      throw unavailable();
    }
    return found;
  }

  private List<List<PiiEntity>> detectOnExecutor(List<String> texts) {
    Future<List<List<PiiEntity>>> detection = executor.submit(() -> texts.stream().map(detector::detect).toList());
    try {
      return detection.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      detection.cancel(true);
      throw unavailable();
    } catch (ExecutionException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  private static Problem unavailable() {
    return new Problem(Problem.Kind.UNAVAILABLE, "pii_shield_unavailable",
        "personal-data protection could not check this request, so it was not sent; try again");
  }
}
