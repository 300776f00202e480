package dev.confide.pii;

/**
 * US driver's licence numbers. Formats differ by state and look like any other reference number, so one is
 * only reported where the text says it is one: an identifier with digits shortly after "driver's license",
 * "DL", "driving licence" and the like.
 */
final class DriverLicenseRecognizer implements Recognizer {
  private static final int WINDOW = 10;

  @Override
  public void scan(Text t, Candidates out) {
    int lastEnd = -1;
    for (int i = 0; i < t.n; i++) {
      if (t.kind[i] != Text.WORD || (t.lex[i] & Lexicon.LICENSE_CUE) == 0) {
        continue;
      }
      if (t.lowerIs(i + 1, "plate") || t.lowerIs(i + 1, "plates")) {
        continue;
      }
      for (int k = i + 1; k < t.n && k <= i + WINDOW; k++) {
        if (t.kind[k] == Text.PUNCT) {
          char c = t.s.charAt(t.start[k]);
          if (c == '.' && !Chars.alnumAt(t.s, t.end[k])) {
            break; // end of sentence
          }
          continue;
        }
        if ((t.shape[k] & Text.NEWLINE_BEFORE) != 0 && k > i + 3) {
          break;
        }
        if (t.start[k] < lastEnd || (t.kind[k] == Text.WORD && !t.isNum(k + 1))) {
          continue;
        }
        int a = t.start[k];
        if (a > 0 && Chars.alnum(t.s.charAt(a - 1))) {
          continue;
        }
        int b = a;
        int digits = 0;
        int letters = 0;
        while (b < t.s.length() && b - a <= 20) {
          char c = t.s.charAt(b);
          if (Chars.digit(c)) {
            digits++;
          } else if (Chars.asciiLetter(c)) {
            letters++;
          } else if (!(c == '-' || c == '*' || c == ' ') || !Chars.asciiAlnum(Chars.at(t.s, b + 1))
              || (c == ' ' && !(Chars.digit(Chars.at(t.s, b - 1)) && Chars.digit(Chars.at(t.s, b + 1))))) {
            break;
          }
          b++;
        }
        if (b - a > 20 || Chars.alnumAt(t.s, b)) {
          continue;
        }
        if (digits >= 4 && b - a >= 5 && letters <= 4) {
          out.add(EntityTypes.US_DRIVER_LICENSE, a, b, 0.8, false);
          lastEnd = b;
          break;
        }
      }
    }
  }
}
