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
  private final PiiDetector detector;
  private final ExecutorService executor;
  private final Duration timeLimit;

  /** The texts to send, what restores the answer (null unless pseudonymizing), counts per type. */
  public record Shielded(List<String> texts, Pseudonymizer pseudonymizer, Map<String, Integer> counts, ShieldMode mode) {}

  public PiiShield(PiiDetector detector, ExecutorService executor, Duration timeLimit) {
    this.detector = detector;
    this.executor = executor;
    this.timeLimit = timeLimit;
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
