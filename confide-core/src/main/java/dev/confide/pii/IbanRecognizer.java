package dev.confide.pii;

/**
 * IBANs: a country code, two check digits and the country's fixed number of letters and digits, written
 * solid or in groups, that pass the ISO 7064 mod 97 check. Letters may be in either case.
 */
final class IbanRecognizer implements Recognizer {
  @Override
  public void scan(Text text, Candidates out) {
    if (text.numbers == 0) {
      return; // every candidate starts at a digit run
    }
    String s = text.s;
    int len = s.length();
    int done = 0;
    for (int tok = 0; tok + 1 < text.n; tok++) {
      // an IBAN starts with a two-letter word directly followed by digits: "GB" "82" ...
      if (text.kind[tok] != Text.WORD || text.length(tok) != 2 || text.kind[tok + 1] != Text.NUM || !text.attached(tok + 1)
          || text.start[tok] < done) {
        continue;
      }
      int i = text.start[tok];
      if (i + 4 > len || (i > 0 && Chars.alnum(s.charAt(i - 1)))) {
        continue;
      }
      char c0 = s.charAt(i);
      if (!Chars.asciiLetter(c0)) {
        continue;
      }
      char c1 = s.charAt(i + 1);
      if (!Chars.asciiLetter(c1) || !Chars.digit(s.charAt(i + 2)) || !Chars.digit(s.charAt(i + 3))) {
        continue;
      }
      int expected = Checksums.ibanLength(c0, c1);
      if (expected == 0) {
        continue;
      }
      StringBuilder iban = new StringBuilder(34);
      int j = i;
      int end = -1;
      while (j < len && iban.length() < expected) {
        char c = s.charAt(j);
        if (Chars.asciiAlnum(c)) {
          iban.append(c);
          j++;
          if (iban.length() == expected) {
            end = j;
          }
        } else if ((c == ' ' || c == '-') && Chars.asciiAlnum(Chars.at(s, j + 1)) && iban.length() % 4 == 0) {
          j++;
        } else {
          break;
        }
      }
      if (end < 0 || Chars.alnumAt(s, end)) {
        continue;
      }
      if (Checksums.ibanChecksum(iban)) {
        out.add(EntityTypes.IBAN_CODE, i, end, 0.95, false);
        done = end;
      }
    }
  }
}
