package dev.confide.pii;

import java.util.Locale;

/**
 * How much a word looks like a name rather than an English word, from character trigrams: a small naive
 * Bayes model trained at startup on the gazetteers' names against datafaker's English words. It helps
 * with capitalized words that neither list knows ("Yefremova" reads as a name, "Cautionary" as a word).
 */
final class NameShape {
  private static final int BUCKETS = 1 << 17;
  private final int[] names = new int[BUCKETS];
  private final int[] words = new int[BUCKETS];
  private long nameTotal;
  private long wordTotal;
  /** Per-bucket log-likelihood ratio, computed by {@link #freeze()}. */
  private float[] ratio;

  /** Ends training: precomputes each bucket's log-likelihood ratio. */
  NameShape freeze() {
    float[] r = new float[BUCKETS];
    if (nameTotal > 0 && wordTotal > 0) {
      for (int k = 0; k < BUCKETS; k++) {
        r[k] = (float) (Math.log((names[k] + 0.5) / nameTotal) - Math.log((words[k] + 0.5) / wordTotal));
      }
    }
    ratio = r;
    return this;
  }

  void addName(String lower) {
    nameTotal += add(lower, names);
  }

  void addWord(String lower) {
    wordTotal += add(lower, words);
  }

  private static int add(String w, int[] counts) {
    int n = 0;
    int len = w.length();
    for (int i = -1; i + 1 < len; i++) {
      counts[bucket(w, i)]++;
      n++;
    }
    return n;
  }

  /** Trigram starting at {@code i} (−1 = before the word), with '^' and '$' as boundaries. */
  private static int bucket(String w, int i) {
    char a = i < 0 ? '^' : w.charAt(i);
    char b = w.charAt(i + 1);
    char c = i + 2 < w.length() ? w.charAt(i + 2) : '$';
    int h = (a * 31 + b) * 31 + c;
    h ^= h >>> 15;
    h *= 0x2c1b3c6d;
    h ^= h >>> 12;
    return h & (BUCKETS - 1);
  }

  /**
   * Mean log-likelihood ratio per trigram of "name" versus "word": above 0 name-like, below 0 word-like;
   * magnitudes above 1 are strong.
   */
  double score(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    float[] r = ratio;
    if (w.length() < 2 || r == null) {
      return 0;
    }
    double sum = 0;
    int n = 0;
    for (int i = -1; i + 1 < w.length(); i++) {
      sum += r[bucket(w, i)];
      n++;
    }
    return sum / n;
  }
}
