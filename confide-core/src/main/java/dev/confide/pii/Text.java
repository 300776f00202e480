package dev.confide.pii;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A scanned text split once into tokens (words, digit runs, single punctuation marks) with their shape and
 * lexicon flags. One instance per {@code detect} call; never shared between threads.
 */
final class Text {
  static final byte WORD = 1;
  static final byte NUM = 2;
  static final byte PUNCT = 3;

  /** First letter upper-case. */
  static final int CAP = 1;
  /** Every cased letter upper-case, at least two letters. */
  static final int ALL_CAPS = 1 << 1;
  /** Every cased letter lower-case. */
  static final int LOWER = 1 << 2;
  /** No cased letters (CJK, Thai, Arabic, ...). */
  static final int CASELESS = 1 << 3;
  static final int SPACE_BEFORE = 1 << 4;
  static final int NEWLINE_BEFORE = 1 << 5;
  static final int SENTENCE_START = 1 << 6;
  static final int BLANK_LINE_BEFORE = 1 << 7;
  /** A single letter. */
  static final int SINGLE = 1 << 8;
  /** Contains a char outside ASCII. */
  static final int NON_ASCII = 1 << 9;

  private static final String[] ASCII_STRINGS = new String[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_STRINGS[c] = String.valueOf(c).intern();
    }
  }

  final String s;
  /** The text's chars (array access is cheaper than {@code charAt} in the scanning loops). */
  final char[] chars;
  final int n;
  final int[] start;
  final int[] end;
  final byte[] kind;
  final int[] shape;
  final int[] lex;
  final int[] line;
  final String[] lower;
  final Lexicon lexicon;
  /** How many digit runs the text has: recognizers of numbers skip a text without any. */
  final int numbers;

  Text(String s, Lexicon lexicon) {
    this.s = s;
    this.lexicon = lexicon;
    final char[] a = s.toCharArray();
    this.chars = a;
    int cap = Math.max(16, s.length() / 4);
    int[] st = new int[cap];
    int[] en = new int[cap];
    byte[] kd = new byte[cap];
    int[] sh = new int[cap];
    int[] ln = new int[cap];
    int count = 0;
    int len = s.length();
    int i = 0;
    int lineNo = 0;
    int pendingSpace = 0;
    int newlines = 0;
    int nums = 0;
    while (i < len) {
      char ch = a[i];
      int cp;
      int w;
      if (ch < 128) {
        cp = ch;
        w = 1;
      } else {
        cp = Character.codePointAt(a, i);
        w = Character.charCount(cp);
      }
      if (ch == '\n' || (ch >= 128 || ch == '\r' || ch == 0x0B || ch == 0x0C) && isNewline(cp)) {
        newlines++;
        lineNo++;
        if (cp == '\r' && i + 1 < len && a[i + 1] == '\n') {
          w = 2;
        }
        i += w;
        continue;
      }
      if (ch == ' ' || ch == '\t' || (ch >= 128 || ch < 32) && isSpace(cp)) {
        pendingSpace = 1;
        i += w;
        continue;
      }
      int j = i + w;
      byte k;
      int casing = ch < 128 ? 0 : NON_ASCII;
      if (ch < 128 ? ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') : isWordChar(cp)) {
        k = WORD;
        int upper = 0;
        int lowerCount = 0;
        int letters = 0;
        int first = -1;
        int c = cp;
        int at = i;
        while (true) {
          if (c < 128) {
            letters++;
            if (c <= 'Z') {
              upper++;
              if (first < 0) {
                first = 1;
              }
            } else {
              lowerCount++;
              if (first < 0) {
                first = 0;
              }
            }
          } else if (Character.isLetter(c)) {
            letters++;
            if (Character.isUpperCase(c) || Character.isTitleCase(c)) {
              upper++;
              if (first < 0) {
                first = 1;
              }
            } else if (Character.isLowerCase(c)) {
              lowerCount++;
              if (first < 0) {
                first = 0;
              }
            } else if (first < 0) {
              first = 2;
            }
          }
          at = j;
          if (j >= len) {
            break;
          }
          char c2 = a[j];
          if (c2 < 128) {
            if ((c2 | 0x20) >= 'a' && (c2 | 0x20) <= 'z') {
              c = c2;
              j++;
              continue;
            }
            break;
          }
          int cp2 = Character.codePointAt(a, j);
          if (!isWordChar(cp2) && !isMark(cp2)) {
            break;
          }
          casing = NON_ASCII;
          c = cp2;
          j += Character.charCount(cp2);
        }
        j = at;
        casing |= letters == 1 ? SINGLE : 0;
        if (upper == 0 && lowerCount == 0) {
          casing |= CASELESS;
        } else {
          if (first == 1) {
            casing |= CAP;
          }
          if (lowerCount == 0 && upper >= 2) {
            casing |= ALL_CAPS;
          }
          if (upper == 0) {
            casing |= LOWER;
          }
        }
      } else if (ch < 128 ? (ch >= '0' && ch <= '9') : Character.isDigit(cp)) {
        k = NUM;
        nums++;
        while (j < len) {
          char c2 = a[j];
          if (c2 < 128) {
            if (c2 >= '0' && c2 <= '9') {
              j++;
              continue;
            }
            break;
          }
          int cp2 = Character.codePointAt(a, j);
          if (!Character.isDigit(cp2)) {
            break;
          }
          j += Character.charCount(cp2);
        }
      } else {
        k = PUNCT;
      }
      if (count == st.length) {
        int nc = count * 2;
        st = Arrays.copyOf(st, nc);
        en = Arrays.copyOf(en, nc);
        kd = Arrays.copyOf(kd, nc);
        sh = Arrays.copyOf(sh, nc);
        ln = Arrays.copyOf(ln, nc);
      }
      int f = casing;
      if (pendingSpace != 0 || newlines > 0) {
        f |= SPACE_BEFORE;
      }
      if (newlines > 0 || count == 0) {
        f |= NEWLINE_BEFORE;
      }
      if (newlines > 1) {
        f |= BLANK_LINE_BEFORE;
      }
      st[count] = i;
      en[count] = j;
      kd[count] = k;
      sh[count] = f;
      ln[count] = lineNo;
      count++;
      pendingSpace = 0;
      newlines = 0;
      i = j;
    }
    this.n = count;
    this.numbers = nums;
    this.start = st;
    this.end = en;
    this.kind = kd;
    this.shape = sh;
    this.line = ln;
    this.lower = new String[count];
    this.lex = new int[count];
    // The look-ups first, all of them, then their words: each look-up is independent of the others, so
    // the CPU overlaps their cache misses instead of waiting on each (and then on its word) in turn.
    long[] found = null;
    if (lexicon != null) {
      found = new long[count];
      for (int t = 0; t < count; t++) {
        found[t] = kd[t] == WORD && (sh[t] & NON_ASCII) == 0 ? lexicon.lookup(a, st[t], en[t]) : -1;
      }
    }
    for (int t = 0; t < count; t++) {
      if (kd[t] == WORD) {
        if (found != null) {
          long entry = found[t];
          if (entry >= 0) {
            lower[t] = lexicon.entryWord((int) (entry >>> 32));
            lex[t] = (int) entry;
            continue;
          }
        }
        String lo;
        if ((sh[t] & (LOWER | CASELESS)) != 0) {
          lo = s.substring(st[t], en[t]);
        } else if ((sh[t] & NON_ASCII) == 0) {
          lo = asciiLower(a, st[t], en[t]); // one string, not a substring and then its lower-case copy
        } else {
          lo = s.substring(st[t], en[t]).toLowerCase(Locale.ROOT);
        }
        lower[t] = lo;
        if (lexicon != null && (sh[t] & NON_ASCII) != 0) {
          lex[t] = lexicon.flags(lo, false);
        }
      } else if (kd[t] == PUNCT) {
        char c = a[st[t]];
        lower[t] = c < 128 ? ASCII_STRINGS[c] : s.substring(st[t], en[t]);
      }
    }
    markSentenceStarts();
  }

  private static String asciiLower(char[] a, int from, int to) {
    char[] out = new char[to - from];
    for (int k = from; k < to; k++) {
      char c = a[k];
      out[k - from] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return new String(out);
  }

  /** Quote markers and bullets that may start a line ("> ", "- ", "* "); the line's text starts after them. */
  static boolean isLineMarker(char c) {
    return c == '>' || c == '?' || c == '*' || c == '•' || c == '|' || c == '-' || c == '·' || c == '–';
  }

  private void markSentenceStarts() {
    // "> Acme Ltd": the first token after line-start markers begins the line
    for (int t = 0; t < n; t++) {
      if ((shape[t] & NEWLINE_BEFORE) != 0 && kind[t] == PUNCT && isLineMarker(chars[start[t]])) {
        int m = t;
        while (m + 1 < n && kind[m + 1] == PUNCT && (shape[m + 1] & NEWLINE_BEFORE) == 0
            && isLineMarker(chars[start[m + 1]])) {
          m++;
        }
        if (m + 1 < n && (shape[m + 1] & NEWLINE_BEFORE) == 0 && kind[m + 1] != PUNCT) {
          shape[m + 1] |= NEWLINE_BEFORE | (shape[t] & BLANK_LINE_BEFORE);
        }
        t = m;
      }
    }
    for (int t = 0; t < n; t++) {
      if ((shape[t] & NEWLINE_BEFORE) != 0) {
        shape[t] |= SENTENCE_START;
        continue;
      }
      int p = t - 1;
      while (p >= 0 && p >= t - 4 && kind[p] == PUNCT && isOpening(chars[start[p]])
          && (shape[p] & NEWLINE_BEFORE) == 0) {
        p--; // a few opening quotes or brackets; bounded so runs of them stay linear
      }
      if (p < 0) {
        shape[t] |= SENTENCE_START;
        continue;
      }
      if (p < t - 1 && (shape[p + 1] & NEWLINE_BEFORE) != 0) {
        shape[t] |= SENTENCE_START;
        continue;
      }
      if (kind[p] == PUNCT) {
        char c = chars[start[p]];
        if (c == '!' || c == '?' || c == ':' || c == '…' || c == ';') {
          shape[t] |= SENTENCE_START;
        } else if (c == '.') {
          // "Mr. Smith", "J. Smith" and "St. Louis" do not start sentences.
          boolean abbreviation = p > 0 && kind[p - 1] == WORD && end[p - 1] == start[p]
              && ((lex[p - 1] & Lexicon.ABBR_HONORIFIC) != 0 || (shape[p - 1] & SINGLE) != 0
                  || "st".equals(lower[p - 1]));
          if (!abbreviation) {
            shape[t] |= SENTENCE_START;
          }
        }
      }
    }
  }

  private static boolean isOpening(char c) {
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == '“' || c == '‘' || c == '«' || c == '„' || c == '-'
        || c == '*' || c == '•' || c == '>';
  }

  static boolean isNewline(int cp) {
    return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 || cp == 0x85 || cp == 0x0B || cp == 0x0C;
  }

  static boolean isSpace(int cp) {
    return cp == ' ' || cp == '\t' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0xFEFF;
  }

  static boolean isWordChar(int cp) {
    return Character.isLetter(cp);
  }

  static boolean isMark(int cp) {
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
  }

  /** Tokens of a gazetteer entry, lower-cased, the same way scanned text is split. */
  static String[] lowerTokens(String entry) {
    Text t = new Text(entry, null);
    List<String> out = new ArrayList<>(t.n);
    for (int i = 0; i < t.n; i++) {
      out.add(entry.substring(t.start[i], t.end[i]).toLowerCase(Locale.ROOT));
    }
    return out.toArray(String[]::new);
  }

  // ---- helpers for recognizers ----------------------------------------------------------------

  boolean is(int t, int shapeFlag) {
    return t >= 0 && t < n && (shape[t] & shapeFlag) != 0;
  }

  boolean has(int t, int lexFlag) {
    return t >= 0 && t < n && (lex[t] & lexFlag) != 0;
  }

  boolean isWord(int t) {
    return t >= 0 && t < n && kind[t] == WORD;
  }

  boolean isNum(int t) {
    return t >= 0 && t < n && kind[t] == NUM;
  }

  boolean isPunct(int t, char c) {
    return t >= 0 && t < n && kind[t] == PUNCT && chars[start[t]] == c;
  }

  /** True when token {@code t} directly follows token {@code t - 1} with no space. */
  boolean attached(int t) {
    return t > 0 && t < n && start[t] == end[t - 1];
  }

  boolean lowerIs(int t, String w) {
    // An ASCII token's lower-case form is as long as the token: comparing lengths first settles most
    // calls from the token arrays alone, without reading the word's string from memory.
    return t >= 0 && t < n && ((shape[t] & NON_ASCII) != 0 || end[t] - start[t] == w.length()) && w.equals(lower[t]);
  }

  int length(int t) {
    return end[t] - start[t];
  }

  String raw(int t) {
    return s.substring(start[t], end[t]);
  }

  /** The token index at or after char offset {@code pos} (n when none). */
  int tokenAt(int pos) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (end[mid] <= pos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
