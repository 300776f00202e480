package dev.confide.pii;

/**
 * Payment card numbers: 12 to 19 digits, plain or in groups separated by single spaces or hyphens, that
 * pass the Luhn check. A known issuer prefix and length make it certain; without one, context must help.
 */
final class CardRecognizer implements Recognizer {
  private static final int MAX_GROUPS = 24;

  @Override
  public void scan(Text t, Candidates out) {
    if (t.numbers == 0) {
      return; // every candidate starts at a digit run
    }
    String s = t.s;
    int len = s.length();
    int[] gs = null;
    int[] ge = null;
    int done = 0;
    for (int tok = 0; tok < t.n; tok++) {
      int i = t.start[tok];
      if (t.kind[tok] != Text.NUM || i < done || (i > 0 && (Chars.alnum(s.charAt(i - 1)) || isDecimalPoint(s, i - 1)))) {
        continue;
      }
      if (t.length(tok) < 12 && !(t.isPunct(tok + 1, '-') || (tok + 1 < t.n && t.kind[tok + 1] == Text.NUM))) {
        continue; // neither long enough nor followed by another group
      }
      if (gs == null) {
        gs = new int[MAX_GROUPS];
        ge = new int[MAX_GROUPS];
      }
      // Collect digit groups joined by one separator char (the same one throughout).
      int groups = 0;
      char sep = 0;
      int p = i;
      while (groups < MAX_GROUPS) {
        int q = p;
        while (q < len && Chars.digit(s.charAt(q)) && q - p <= 19) {
          q++;
        }
        gs[groups] = p;
        ge[groups] = q;
        groups++;
        if (q - p > 19) {
          break;
        }
        char c = Chars.at(s, q);
        if ((c == ' ' || c == '-') && (sep == 0 || sep == c) && Chars.digitAt(s, q + 1)) {
          sep = c;
          p = q + 1;
        } else {
          break;
        }
      }
      int runEnd = ge[groups - 1];
      if (ge[groups - 1] - gs[groups - 1] > 19) {
        // A run of more than 19 digits is not a card; skip it whole.
        int q = ge[groups - 1];
        while (q < len && Chars.digit(s.charAt(q))) {
          q++;
        }
        done = q;
        continue;
      }
      boolean tailOk = !Chars.alnumAt(s, runEnd) && !isDecimalPoint(s, runEnd);
      int a = 0;
      while (a < groups) {
        int best = -1;
        StringBuilder digits = new StringBuilder(19);
        String bestDigits = null;
        for (int b = a; b < groups; b++) {
          digits.append(s, gs[b], ge[b]);
          if (digits.length() > 19) {
            break;
          }
          boolean endOk = b < groups - 1 || tailOk;
          if (digits.length() >= 12 && endOk && Checksums.luhn(digits) && varied(digits)) {
            best = b;
            bestDigits = digits.toString();
          }
        }
        if (best >= 0) {
          double score = Checksums.cardIssuer(bestDigits) ? 0.9 : 0.3;
          if (best > a && sep == ' ' && !typicalGrouping(gs, ge, a, best)) {
            score -= 0.2;
          }
          out.add(EntityTypes.CREDIT_CARD, gs[a], ge[best], score);
          a = best + 1;
        } else {
          a++;
        }
      }
      done = runEnd;
    }
  }

  private static boolean isDecimalPoint(String s, int k) {
    char c = Chars.at(s, k);
    return (c == '.' || c == ',') && Chars.digitAt(s, k - 1) && Chars.digitAt(s, k + 1);
  }

  /** Groups of 4 (Visa, Mastercard), 4-6-5 (Amex) or 4-6-4 (Diners). */
  private static boolean typicalGrouping(int[] gs, int[] ge, int a, int b) {
    int n = b - a + 1;
    if (n == 1) {
      return true;
    }
    boolean fours = true;
    for (int k = a; k < b; k++) {
      if (ge[k] - gs[k] != 4) {
        fours = false;
      }
    }
    if (fours && ge[b] - gs[b] <= 4) {
      return true;
    }
    return n == 3 && ge[a] - gs[a] == 4 && ge[a + 1] - gs[a + 1] == 6;
  }

  /** At least two different digits: "0000 0000 0000 0000" passes Luhn but is no card. */
  private static boolean varied(CharSequence d) {
    int mask = 0;
    for (int k = 0; k < d.length(); k++) {
      mask |= 1 << (d.charAt(k) - '0');
    }
    return Integer.bitCount(mask) >= 2;
  }
}
