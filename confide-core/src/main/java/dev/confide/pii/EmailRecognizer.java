package dev.confide.pii;

/** Email addresses: a local part, {@code @}, and a domain with a top-level domain. Bounded scans around each {@code @}. */
final class EmailRecognizer implements Recognizer {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 255;

  @Override
  public void scan(Text text, Candidates out) {
    String s = text.s;
    int from = 0;
    while (true) {
      int at = s.indexOf('@', from);
      if (at < 0) {
        return;
      }
      from = at + 1;
      int i = at - 1;
      while (i >= 0 && at - i <= MAX_LOCAL && isLocal(s.charAt(i))) {
        i--;
      }
      int localStart = i + 1;
      while (localStart < at && (s.charAt(localStart) == '.' || s.charAt(localStart) == '\'')) {
        localStart++;
      }
      if (localStart >= at || s.charAt(at - 1) == '.' || (i >= 0 && at - i > MAX_LOCAL)) {
        continue;
      }
      int j = at + 1;
      while (j < s.length() && j - at <= MAX_DOMAIN && isDomain(s.charAt(j))) {
        j++;
      }
      int domainEnd = j;
      while (domainEnd > at + 1 && (s.charAt(domainEnd - 1) == '.' || s.charAt(domainEnd - 1) == '-')) {
        domainEnd--;
      }
      if (!validDomain(s, at + 1, domainEnd)) {
        continue;
      }
      out.add(EntityTypes.EMAIL_ADDRESS, localStart, domainEnd, 0.95, false);
      from = domainEnd;
    }
  }

  private static boolean isLocal(char c) {
    return Chars.asciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
        || (c > 0x7f && Character.isLetterOrDigit(c));
  }

  private static boolean isDomain(char c) {
    return Chars.asciiAlnum(c) || c == '.' || c == '-' || (c > 0x7f && Character.isLetterOrDigit(c));
  }

  /** Two or more dot-separated labels of 1 to 63 chars, not starting or ending with a hyphen; an alphabetic TLD. */
  static boolean validDomain(String s, int from, int to) {
    if (to - from < 3) {
      return false;
    }
    int labels = 0;
    int labelStart = from;
    for (int k = from; k <= to; k++) {
      if (k == to || s.charAt(k) == '.') {
        int len = k - labelStart;
        if (len == 0 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(k - 1) == '-') {
          return false;
        }
        labels++;
        if (k == to) {
          if (len < 2) {
            return false;
          }
          for (int m = labelStart; m < k; m++) {
            if (!Character.isLetter(s.charAt(m))) {
              return false;
            }
          }
        }
        labelStart = k + 1;
      }
    }
    return labels >= 2;
  }
}
