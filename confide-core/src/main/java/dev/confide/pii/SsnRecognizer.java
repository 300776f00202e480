package dev.confide.pii;

/**
 * US Social Security numbers: AAA-GG-SSSS (hyphens, spaces or dots, used consistently) or nine plain digits,
 * valid by the SSA's rules. Nine plain digits need context ("SSN", "social security").
 */
final class SsnRecognizer implements Recognizer {
  @Override
  public void scan(Text text, Candidates out) {
    if (text.numbers == 0) {
      return; // every candidate starts at a digit run
    }
    String s = text.s;
    int len = s.length();
    for (int tok = 0; tok < text.n; tok++) {
      if (text.kind[tok] != Text.NUM || (text.length(tok) != 3 && text.length(tok) != 9)) {
        continue;
      }
      int i = text.start[tok];
      if (i + 9 > len || (i > 0 && (Chars.alnum(s.charAt(i - 1)) || s.charAt(i - 1) == '-'
          || s.charAt(i - 1) == '.' || s.charAt(i - 1) == '+'))) {
        continue;
      }
      if (!Chars.digitAt(s, i + 1) || !Chars.digitAt(s, i + 2)) {
        continue;
      }
      char sep = Chars.at(s, i + 3);
      int end;
      int area = Chars.parse(s, i, i + 3);
      int group;
      int serial;
      double score;
      if (sep == '-' || sep == ' ' || sep == '.') {
        if (!(Chars.digitAt(s, i + 4) && Chars.digitAt(s, i + 5) && Chars.at(s, i + 6) == sep)) {
          continue;
        }
        group = Chars.parse(s, i + 4, i + 6);
        serial = Chars.parse(s, i + 7, i + 11);
        end = i + 11;
        if (serial < 0 || end > len) {
          continue;
        }
        score = sep == '-' ? 0.7 : 0.4;
      } else if (text.length(tok) == 9) {
        group = Chars.parse(s, i + 3, i + 5);
        serial = Chars.parse(s, i + 5, i + 9);
        end = i + 9;
        if (group < 0 || serial < 0) {
          continue;
        }
        score = 0.2;
      } else {
        continue;
      }
      if (Chars.alnumAt(s, end) || (Chars.at(s, end) == '-' && Chars.digitAt(s, end + 1))
          || (Chars.at(s, end) == '.' && Chars.digitAt(s, end + 1))) {
        continue;
      }
      if (Checksums.ssn(area, group, serial) && !allSame(s, i, end)) {
        out.add(EntityTypes.US_SSN, i, end, score);
      }
    }
  }

  private static boolean allSame(String s, int from, int to) {
    char first = s.charAt(from);
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (Chars.digit(c) && c != first) {
        return false;
      }
    }
    return true;
  }
}
