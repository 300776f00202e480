package dev.confide.pii;

/** Character classes used by the pattern recognizers (no regular expressions: linear scans only). */
final class Chars {
  private Chars() {}

  static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean asciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean asciiAlnum(char c) {
    return digit(c) || asciiLetter(c);
  }

  static boolean hex(char c) {
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Letter or digit in any script. */
  static boolean alnum(char c) {
    return Character.isLetterOrDigit(c);
  }

  static boolean alnumAt(String s, int i) {
    return i >= 0 && i < s.length() && Character.isLetterOrDigit(s.charAt(i));
  }

  static boolean digitAt(String s, int i) {
    return i >= 0 && i < s.length() && digit(s.charAt(i));
  }

  static char at(String s, int i) {
    return i >= 0 && i < s.length() ? s.charAt(i) : '\0';
  }

  static boolean dash(char c) {
    return c == '-' || (c >= '\u2010' && c <= '\u2015') || c == '\u2212';
  }

  /** Parses ASCII digits in [from, to), or -1 when any char is not a digit or there are more than 9. */
  static int parse(String s, int from, int to) {
    if (to <= from || to - from > 9 || from < 0 || to > s.length()) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!digit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static boolean regionMatchesIgnoreCase(String s, int at, String lowerWord) {
    return at >= 0 && at + lowerWord.length() <= s.length() && s.regionMatches(true, at, lowerWord, 0, lowerWord.length());
  }
}
