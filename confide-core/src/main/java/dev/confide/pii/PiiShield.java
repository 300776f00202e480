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
    List<List<PiiEntity>> found = detectAll(texts); // repeats included, within the time limit
    try {
      return replace(texts, found, mode);
    } catch (RuntimeException e) {
      // A detector's spans that do not fit the text (a custom detector can return any), or any other
      // failure on the way: nothing is sent.
      throw unavailable();
    }
  }

  private static Shielded replace(List<String> texts, List<List<PiiEntity>> found, ShieldMode mode) {
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

  /**
   * A value found somewhere in the request, for finding it again elsewhere. A value of several words
   * ("Zorvek Quill") is found in any letter case; a single word only as found or in capitals, since in
   * lower case "Will", "Mark" or "Nice" is an ordinary word.
   */
  private record Known(String type, String value, String upper, boolean anyCase) {
    static Known of(String type, String value) {
      boolean words = value.chars().anyMatch(Character::isWhitespace);
      return new Known(type, value, value.toUpperCase(java.util.Locale.ROOT), words);
    }

    boolean at(String text, int pos) {
      int n = value.length();
      return anyCase ? text.regionMatches(true, pos, value, 0, n)
          : text.regionMatches(pos, value, 0, n) || upper.length() == n && text.regionMatches(pos, upper, 0, n);
    }
  }

  /** Distinct values searched again per request, and per first word: past them the search would cost more than detection. */
  static final int MAX_SEARCHED = 256;
  static final int MAX_PER_FIRST_WORD = 16;

  /**
   * Adds every other occurrence, in any of the texts, of a value that was found somewhere in them (see
   * {@link Known} for letter case). Detection reads context ("my name is", titles, capitals), so a name
   * it found once can go unnoticed where it appears again; sending it raw there would give the provider
   * the value next to its placeholder. Values of fewer than three characters, or of fewer than five
   * without a letter ("35", "2024"), are not searched: they would match unrelated text. At most
   * {@link #MAX_SEARCHED} values, {@link #MAX_PER_FIRST_WORD} sharing a first word, so hostile input
   * (thousands of addresses starting "q@") stays linear; the shield's time limit covers this pass too.
   */
  static List<List<PiiEntity>> withRepeats(List<String> texts, List<List<PiiEntity>> found) {
    Map<String, List<Known>> byFirstWord = new java.util.HashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    // Most words cannot start a known value: their first letter and length settle it without a string.
    java.util.BitSet firstLetters = new java.util.BitSet();
    java.util.BitSet lengths = new java.util.BitSet();
    for (int i = 0; i < texts.size(); i++) {
      for (PiiEntity e : found.get(i)) {
        String value = texts.get(i).substring(e.start(), e.end());
        if (searchable(value) && seen.size() < MAX_SEARCHED && seen.add(value)) {
          int firstEnd = wordEnd(value, 0);
          String first = value.substring(0, firstEnd).toLowerCase(java.util.Locale.ROOT);
          char c = value.charAt(0);
          firstLetters.set(c);
          firstLetters.set(Character.toLowerCase(c));
          firstLetters.set(Character.toUpperCase(c));
          firstLetters.set(Character.toTitleCase(c));
          lengths.set(firstEnd);
          List<Known> same = byFirstWord.computeIfAbsent(first, k -> new ArrayList<>());
          if (same.size() < MAX_PER_FIRST_WORD) {
            same.add(Known.of(e.type(), value));
          }
        }
      }
    }
    if (byFirstWord.isEmpty()) {
      return found;
    }
    for (List<Known> same : byFirstWord.values()) {
      same.sort((a, b) -> Integer.compare(b.value().length(), a.value().length())); // longest match first
    }
    Index index = new Index(byFirstWord, firstLetters, lengths);
    List<List<PiiEntity>> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      out.add(repeatsIn(texts.get(i), found.get(i), index));
    }
    return out;
  }

  /** The values to look for, by their first word in lower case, with the first letters and word lengths they have. */
  private record Index(Map<String, List<Known>> byFirstWord, java.util.BitSet firstLetters, java.util.BitSet lengths) {
    List<Known> candidates(String text, int from, int to) {
      if (!firstLetters.get(text.charAt(from)) || !lengths.get(to - from)) {
        return null;
      }
      return byFirstWord.get(text.substring(from, to).toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static List<PiiEntity> repeatsIn(String text, List<PiiEntity> found, Index index) {
    List<PiiEntity> merged = new ArrayList<>(found.size());
    int next = 0; // the first detected entity not yet passed
    int pos = 0;
    while (pos < text.length()) {
      while (next < found.size() && found.get(next).start() <= pos) {
        PiiEntity e = found.get(next++);
        merged.add(e);
        pos = Math.max(pos, e.end());
      }
      if (pos >= text.length()) {
        break;
      }
      if (!Character.isLetterOrDigit(text.charAt(pos)) || pos > 0 && Character.isLetterOrDigit(text.charAt(pos - 1))) {
        pos++;
        continue;
      }
      int wordEnd = wordEnd(text, pos);
      List<Known> candidates = index.candidates(text, pos, wordEnd);
      int limit = next < found.size() ? found.get(next).start() : text.length();
      PiiEntity repeat = null;
      if (candidates != null) {
        for (Known k : candidates) {
          int end = pos + k.value().length();
          if (end <= limit && k.at(text, pos) && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
            repeat = new PiiEntity(k.type(), pos, end, 1.0);
            break;
          }
        }
      }
      if (repeat != null) {
        merged.add(repeat);
        pos = repeat.end();
      } else {
        pos = wordEnd;
      }
    }
    while (next < found.size()) {
      merged.add(found.get(next++));
    }
    return merged;
  }

  private static boolean searchable(String value) {
    int n = value.length();
    if (n < 3 || !Character.isLetterOrDigit(value.charAt(0)) || !Character.isLetterOrDigit(value.charAt(n - 1))) {
      return false;
    }
    return n >= 5 || value.chars().anyMatch(Character::isLetter);
  }

  /** The end of the run of letters and digits starting at {@code from}. */
  private static int wordEnd(String s, int from) {
    int k = from;
    while (k < s.length() && Character.isLetterOrDigit(s.charAt(k))) {
      k++;
    }
    return k;
  }

  private List<List<PiiEntity>> detectWithRepeats(List<String> texts) {
    return detectAcross(detector, texts);
  }

  /**
   * What the detector finds in each of several texts of one conversation, plus every other
   * occurrence of a value found in any of them ({@link #withRepeats}): for redacting a conversation
   * outside the shield (decision data, the training export), where a name recognised once must not
   * stay raw where it appears again.
   */
  public static List<List<PiiEntity>> detectAcross(PiiDetector detector, List<String> texts) {
    return withRepeats(texts, texts.stream().map(detector::detect).toList());
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
      found = detectWithRepeats(texts);
    } catch (RuntimeException | StackOverflowError e) {
      throw unavailable();
    }
    if (System.nanoTime() - started > timeLimit.toNanos()) {
      throw unavailable();
    }
    return found;
  }

  private List<List<PiiEntity>> detectOnExecutor(List<String> texts) {
    Future<List<List<PiiEntity>>> detection;
    try {
      detection = executor.submit(() -> detectWithRepeats(texts));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw unavailable(); // the shield's threads are shut down or overloaded
    }
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
