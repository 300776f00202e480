package dev.confide.pii;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Word and phrase lists as bit flags, looked up by lower-cased word. Immutable once built; shared by all
 * threads.
 */
final class Lexicon {
  static final int FIRST = 1;
  static final int LAST = 1 << 1;
  static final int COMMON = 1 << 2;
  static final int FUNCTION = 1 << 3;
  static final int CITY = 1 << 4;
  static final int COUNTRY = 1 << 5;
  static final int STATE = 1 << 6;
  static final int STATE_ABBR = 1 << 7;
  static final int NRP = 1 << 8;
  static final int MONTH = 1 << 9;
  static final int WEEKDAY = 1 << 10;
  static final int STREET_TYPE = 1 << 11;
  static final int STREET_PREFIX = 1 << 12;
  static final int UNIT = 1 << 13;
  static final int ORG_SUFFIX = 1 << 14;
  static final int ORG_WORD = 1 << 15;
  static final int HONORIFIC = 1 << 16;
  static final int JOB = 1 << 17;
  static final int PARTICLE = 1 << 18;
  static final int PLACE_PREFIX = 1 << 19;
  static final int PHRASE_START = 1 << 20;
  static final int LABEL = 1 << 21;
  static final int JOB_MODIFIER = 1 << 22;
  static final int ABBR_HONORIFIC = 1 << 23;
  static final int COUNTRY_CODE = 1 << 24;
  /** Street types that mark a street on their own (Street, Road, Avenue), unlike "Union" or "View". */
  static final int STREET_STRONG = 1 << 25;
  /** Words that say an address follows ("lives at", "ship to", "billing address"). */
  static final int ADDRESS_CUE = 1 << 26;
  /** "zip", "postcode", "postal": a postal code follows. */
  static final int POSTAL_LABEL = 1 << 27;
  /** "driver", "license", "DL": a driver's licence number may follow. */
  static final int LICENSE_CUE = 1 << 28;

  static final int NAME = FIRST | LAST;
  static final int PLACE = CITY | COUNTRY | STATE;

  private final WordTable table;
  private final Map<String, Integer> phrases;
  private final int maxPhraseTokens;
  final NameShape shape;

  Lexicon(Map<String, Integer> words, Map<String, Integer> phrases, int maxPhraseTokens, NameShape shape,
      java.util.Set<String> hot) {
    this.table = new WordTable(words, hot);
    this.phrases = phrases;
    this.maxPhraseTokens = maxPhraseTokens;
    this.shape = shape;
  }

  /** Flags of a lower-cased word, trying it without accents when the exact form is unknown. */
  int flags(String lower) {
    return flags(lower, isAscii(lower));
  }

  /**
   * Flags of the word in {@code chars[from, to)}, lower-cased on the fly (ASCII only; other words go
   * through {@link #flags(String, boolean)}). No allocation.
   */
  int asciiFlags(char[] chars, int from, int to) {
    long v = table.lookup(chars, from, to);
    return v < 0 ? 0 : (int) v;
  }

  /** The entry of the ASCII word in {@code chars[from, to)} lower-cased, or -1. */
  int find(char[] chars, int from, int to) {
    long v = table.lookup(chars, from, to);
    return v < 0 ? -1 : (int) (v >>> 32);
  }

  /**
   * The ASCII word in {@code chars[from, to)} lower-cased: its entry in the high 32 bits and its flags in
   * the low 32 bits, or -1 when unknown. One probe gives both, so scanning does not touch the flags array.
   */
  long lookup(char[] chars, int from, int to) {
    return table.lookup(chars, from, to);
  }

  /** An entry's flags. */
  int entryFlags(int entry) {
    return table.flagsOf[entry];
  }

  /** An entry's word (lower case), shared: scanning a known word allocates nothing. */
  String entryWord(int entry) {
    return table.keys[entry];
  }

  /** As {@link #flags(String)}, when the caller knows whether the word is ASCII. */
  int flags(String lower, boolean ascii) {
    int t = table.get(lower);
    if (t >= 0) {
      return t;
    }
    if (!ascii) {
      int f = table.get(stripAccents(lower));
      if (f >= 0) {
        return f & ~PHRASE_START;
      }
    }
    return 0;
  }

  /** Flags of a phrase: lower-cased tokens joined by single spaces. */
  int phraseFlags(String key) {
    Integer f = phrases.get(key);
    return f == null ? 0 : f;
  }

  int maxPhraseTokens() {
    return maxPhraseTokens;
  }

  /**
   * An open-addressing table from lower-cased words to flags, laid out for few cache misses. Words of up to
   * {@link #PACKED_LETTERS} letters a-z (nearly every word scanned) are packed into one long, five bits a
   * letter, and sit next to their entry number and flags in one {@code long[]}: a look-up is a multiply and
   * usually one cache line, with no chars compared. A small first table of the most frequent words stays in
   * the CPU cache. Other words (longer, or with other chars) go through a table of int slots (entry number
   * and the hash's high bits) whose keys' chars sit in one pool.
   */
  static final class WordTable {
    /** Letters a packed key holds: 12 × 5 bits. */
    static final int PACKED_LETTERS = 12;
    private final int[] slots;
    private final int mask;
    /** Packed words: key at even index (0 = empty), entry << 32 | flags at the odd index after it. */
    private final long[] packedHot;
    private final int hotShift;
    private final long[] packed;
    private final int packedShift;
    /** Low bits of a slot: entry number + 1; high bits: the hash's high bits. */
    private final int indexMask;
    private final char[] pool;
    private final int[] offsets;
    final int[] flagsOf;
    final String[] keys;

    WordTable(Map<String, Integer> words, java.util.Set<String> hot) {
      int n = words.size();
      int indexBits = 32 - Integer.numberOfLeadingZeros(n + 1);
      if (indexBits > 24) {
        throw new IllegalArgumentException("too many words: " + n);
      }
      indexMask = (1 << indexBits) - 1;
      int cap = Integer.highestOneBit(Math.max(4, n * 2)) << 1;
      slots = new int[cap];
      mask = cap - 1;
      int chars = 0;
      for (String w : words.keySet()) {
        chars += w.length();
      }
      pool = new char[chars];
      offsets = new int[n + 1];
      flagsOf = new int[n];
      keys = new String[n];
      // The frequent words get the first entry numbers, so their chars, offsets, flags and key strings lie
      // together in a few cache lines instead of scattered over the whole pool.
      java.util.List<String> order = new java.util.ArrayList<>(n);
      for (String w : words.keySet()) {
        if (hot.contains(w)) {
          order.add(w);
        }
      }
      int hotCount = order.size();
      for (String w : words.keySet()) {
        if (!hot.contains(w)) {
          order.add(w);
        }
      }
      int i = 0;
      int at = 0;
      for (String w : order) {
        w.getChars(0, w.length(), pool, at);
        offsets[i] = at;
        at += w.length();
        flagsOf[i] = words.get(w);
        // Fresh copies in entry order: each string's object and its bytes are allocated side by side (one
        // cache miss, not two, when a recognizer compares a scanned word), and the hot words lie together.
        keys[i] = new String(w.toCharArray());
        insert(slots, mask, hash(w), i);
        i++;
      }
      offsets[n] = at;
      int packable = 0;
      for (int e = hotCount; e < n; e++) {
        packable += pack(keys[e]) != 0 ? 1 : 0;
      }
      // The small table at most half full; the large one up to 70 % (linear probing still ends within a
      // cache line or two), which keeps it at 2 MB rather than 4 MB and so more of it in the CPU cache.
      int hotBits = 32 - Integer.numberOfLeadingZeros(Math.max(4, hotCount * 2) - 1);
      packedHot = new long[2 << hotBits];
      hotShift = 64 - hotBits;
      int bits = 32 - Integer.numberOfLeadingZeros(Math.max(4, packable * 10 / 7) - 1);
      packed = new long[2 << bits];
      packedShift = 64 - bits;
      for (int e = 0; e < n; e++) {
        long key = pack(keys[e]);
        if (key != 0) {
          if (e < hotCount) {
            insertPacked(packedHot, hotShift, key, e);
          } else {
            insertPacked(packed, packedShift, key, e);
          }
        }
      }
    }

    /** The packed key of a word of 1 to 12 letters a-z, or 0 for any other word. */
    private static long pack(String w) {
      int len = w.length();
      if (len == 0 || len > PACKED_LETTERS) {
        return 0;
      }
      long key = 0;
      for (int k = 0; k < len; k++) {
        char c = w.charAt(k);
        if (c < 'a' || c > 'z') {
          return 0;
        }
        key |= (long) (c - 'a' + 1) << (5 * k);
      }
      return key;
    }

    private void insertPacked(long[] table, int shift, long key, int entry) {
      int slotMask = (table.length >> 1) - 1;
      int slot = slotOf(key, shift);
      while (table[2 * slot] != 0) {
        slot = (slot + 1) & slotMask;
      }
      table[2 * slot] = key;
      table[2 * slot + 1] = (long) entry << 32 | (flagsOf[entry] & 0xFFFFFFFFL);
    }

    /** Fibonacci hashing: the multiply spreads every letter into the top bits, which pick the slot. */
    private static int slotOf(long key, int shift) {
      return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private static long probePacked(long[] table, int shift, long key) {
      int slotMask = (table.length >> 1) - 1;
      int slot = slotOf(key, shift);
      while (true) {
        long k = table[2 * slot];
        if (k == key) {
          return table[2 * slot + 1];
        }
        if (k == 0) {
          return -1;
        }
        slot = (slot + 1) & slotMask;
      }
    }

    private void insert(int[] table, int tableMask, int h, int entry) {
      int slot = h & tableMask;
      while (table[slot] != 0) {
        slot = (slot + 1) & tableMask;
      }
      table[slot] = (h & ~indexMask) | (entry + 1);
    }

    private static int mix(int h) {
      h ^= h >>> 16;
      h *= 0x85ebca6b;
      h ^= h >>> 13;
      h *= 0xc2b2ae35;
      h ^= h >>> 16;
      return h;
    }

    static int hash(String w) {
      int h = 0;
      for (int k = 0; k < w.length(); k++) {
        h = h * 31 + w.charAt(k);
      }
      return mix(h);
    }

    /** Flags of a lower-case string, or -1 when absent. */
    int get(String w) {
      int h = hash(w);
      int slot = h & mask;
      int len = w.length();
      int fp = h & ~indexMask;
      while (true) {
        int v = slots[slot];
        if (v == 0) {
          return -1;
        }
        if ((v & ~indexMask) == fp) {
          int e = (v & indexMask) - 1;
          int off = offsets[e];
          if (offsets[e + 1] - off == len) {
            int k = 0;
            while (k < len && pool[off + k] == w.charAt(k)) {
              k++;
            }
            if (k == len) {
              return flagsOf[e];
            }
          }
        }
        slot = (slot + 1) & mask;
      }
    }

    /**
     * The ASCII word in {@code chars[from, to)} lower-cased, as entry << 32 | flags, or -1 when absent.
     * Every word of the packed form is in a packed table, so those never reach the slower table.
     */
    long lookup(char[] chars, int from, int to) {
      int len = to - from;
      if (len > 0 && len <= PACKED_LETTERS) {
        long key = 0;
        int k = 0;
        for (; k < len; k++) {
          int c = (chars[from + k] | 0x20) - ('a' - 1); // 1..26 for a letter of either case
          if (c < 1 || c > 26) {
            break;
          }
          key |= (long) c << (5 * k);
        }
        if (k == len) {
          long v = probePacked(packedHot, hotShift, key);
          return v >= 0 ? v : probePacked(packed, packedShift, key);
        }
      }
      int h = 0;
      for (int k = from; k < to; k++) {
        char c = chars[k];
        h = h * 31 + (c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      int e = probe(slots, mask, mix(h), chars, from, to);
      return e < 0 ? -1 : (long) e << 32 | (flagsOf[e] & 0xFFFFFFFFL);
    }

    private int probe(int[] table, int tableMask, int h, char[] chars, int from, int to) {
      int slot = h & tableMask;
      int len = to - from;
      int fp = h & ~indexMask;
      while (true) {
        int v = table[slot];
        if (v == 0) {
          return -1;
        }
        if ((v & ~indexMask) == fp) {
          int e = (v & indexMask) - 1;
          int off = offsets[e];
          if (offsets[e + 1] - off == len) {
            int k = 0;
            while (k < len) {
              char c = chars[from + k];
              if (pool[off + k] != (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c)) {
                break;
              }
              k++;
            }
            if (k == len) {
              return e;
            }
          }
        }
        slot = (slot + 1) & tableMask;
      }
    }
  }

  int size() {
    return table.keys.length + phrases.size();
  }

  /** Whether {@code s} has a Latin letter with a diacritic (the only kind {@link #stripAccents} changes). */
  static boolean hasLatinAccent(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x300 && c <= 0x36F)) {
        return true;
      }
    }
    return false;
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * What {@link #stripAccents} makes of each char U+00C0..U+024F (Latin-1 and Latin Extended-A/B), computed
   * once with the normalizer: a scanned word full of accents is then stripped by table look-ups. Such a
   * char decomposes into base letters and non-spacing marks only, so stripping a word char by char gives
   * what normalizing the whole word gives.
   */
  private static final String[] LATIN_STRIPPED = new String[0x250 - 0xC0];

  static {
    for (char c = 0xC0; c < 0x250; c++) {
      LATIN_STRIPPED[c - 0xC0] = normalizeAndStrip(String.valueOf(c));
    }
  }

  static String stripAccents(String s) {
    if (!hasLatinAccent(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b.append(c);
      } else if (c >= 0xC0 && c < 0x250) {
        b.append(LATIN_STRIPPED[c - 0xC0]);
      } else {
        return normalizeAndStrip(s); // other scripts and combining marks: the general way
      }
    }
    return b.toString();
  }

  private static String normalizeAndStrip(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder b = new StringBuilder(d.length());
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (Character.getType(c) != Character.NON_SPACING_MARK) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Collects entries; later flags are OR-ed into earlier ones. */
  static final class Builder {
    private final Map<String, Integer> words = new HashMap<>(1 << 17);
    private final Map<String, Integer> phrases = new HashMap<>(1 << 14);
    private final java.util.Set<String> hot = new java.util.HashSet<>();
    private int maxPhraseTokens = 1;

    /** Marks words as frequent, for the small first-level table. */
    Builder hot(java.util.Collection<String> frequent) {
      hot.addAll(frequent);
      return this;
    }

    /** Adds a word or a phrase (tokenized like scanned text) with the given flags. */
    Builder add(String entry, int flags) {
      if (entry == null) {
        return this;
      }
      String e = entry.strip();
      if (e.isEmpty() || e.length() > 60) {
        return this;
      }
      String[] tokens = isLetters(e) ? new String[] {e.toLowerCase(Locale.ROOT)} : Text.lowerTokens(e);
      if (tokens.length == 0) {
        return this;
      }
      if (tokens.length == 1) {
        addWord(tokens[0], flags);
        return this;
      }
      if (tokens.length > 8) {
        return this;
      }
      String key = String.join(" ", tokens);
      phrases.merge(key, flags, (a, b) -> a | b);
      String stripped = stripAccents(key);
      if (!stripped.equals(key)) {
        phrases.merge(stripped, flags, (a, b) -> a | b);
      }
      addWord(tokens[0], PHRASE_START);
      addWord(stripAccents(tokens[0]), PHRASE_START);
      maxPhraseTokens = Math.max(maxPhraseTokens, tokens.length);
      return this;
    }

    Builder addAll(String[] entries, int flags) {
      for (String e : entries) {
        add(e, flags);
      }
      return this;
    }

    Builder addAll(Iterable<String> entries, int flags) {
      for (String e : entries) {
        add(e, flags);
      }
      return this;
    }

    private void addWord(String lower, int flags) {
      words.merge(lower, flags, (a, b) -> a | b);
      if (!isAscii(lower)) {
        String stripped = stripAccents(lower);
        if (!stripped.equals(lower)) {
          words.merge(stripped, flags & ~PHRASE_START, (a, b) -> a | b);
        }
      }
    }

    /** Removes flags from a word. */
    Builder remove(String word, int flags) {
      String lower = word.toLowerCase(Locale.ROOT);
      words.computeIfPresent(lower, (k, v) -> (v & ~flags) == 0 ? null : v & ~flags);
      return this;
    }

    int flagsOf(String lower) {
      return words.getOrDefault(lower, 0);
    }

    /** Builds the lexicon and trains the name-shape model on its single-word names and common words. */
    Lexicon build() {
      NameShape shape = new NameShape();
      for (Map.Entry<String, Integer> e : words.entrySet()) {
        int f = e.getValue();
        String w = e.getKey();
        if (w.length() < 2 || !isLetters(w)) {
          continue;
        }
        if ((f & NAME) != 0 && (f & COMMON) == 0) {
          shape.addName(w);
        } else if ((f & COMMON) != 0 && (f & NAME) == 0) {
          shape.addWord(w);
        }
      }
      java.util.Set<String> hotWords = new java.util.HashSet<>(hot);
      for (Map.Entry<String, Integer> e : words.entrySet()) {
        if ((e.getValue() & FUNCTION) != 0) {
          hotWords.add(e.getKey());
        }
      }
      return new Lexicon(words, new HashMap<>(phrases), maxPhraseTokens, shape.freeze(), hotWords);
    }

    private static boolean isLetters(String w) {
      for (int i = 0; i < w.length(); i++) {
        if (!Character.isLetter(w.charAt(i))) {
          return false;
        }
      }
      return true;
    }
  }
}
