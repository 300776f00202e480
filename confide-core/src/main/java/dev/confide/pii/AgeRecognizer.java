package dev.confide.pii;

/**
 * Ages: "34 years old", "a 34-year-old", "aged 34", "age: 34", "34 y/o", "just turned 34", "I am 34." The
 * span is the number.
 */
final class AgeRecognizer implements Recognizer {
  @Override
  public void scan(Text t, Candidates out) {
    if (t.numbers == 0) {
      return; // every candidate starts at a digit run
    }
    for (int i = 0; i < t.n; i++) {
      if (t.kind[i] != Text.NUM || t.length(i) > 3) {
        continue;
      }
      int v = Chars.parse(t.s, t.start[i], t.end[i]);
      if (v < 0 || v > 130) {
        continue;
      }
      if (i > 0 && t.attached(i) && (t.isPunct(i - 1, '.') || t.isPunct(i - 1, ',') || t.isPunct(i - 1, '$')
          || t.kind[i - 1] == Text.NUM)) {
        continue;
      }
      double score = after(t, i);
      score = Math.max(score, before(t, i));
      if (score > 0) {
        out.add(EntityTypes.AGE, t.start[i], t.end[i], score);
      }
    }
  }

  /** "34 years old", "34-year-old", "34 yo", "34 years of age". */
  private static double after(Text t, int i) {
    int k = i + 1;
    if (t.isPunct(k, '-') && t.attached(k)) {
      k++;
    }
    if (k >= t.n || t.kind[k] != Text.WORD) {
      return 0;
    }
    String w = t.lower[k];
    if (w.equals("yo") || (w.equals("y") && t.isPunct(k + 1, '/') && t.lowerIs(k + 2, "o"))
        || (w.equals("y") && t.isPunct(k + 1, '.') && t.lowerIs(k + 2, "o"))) {
      return 0.8;
    }
    if (w.equals("year") || w.equals("years") || w.equals("yr") || w.equals("yrs") || w.equals("yrs.")) {
      int m = k + 1;
      if (t.isPunct(m, '-')) {
        m++;
      }
      if (t.lowerIs(m, "old")) {
        return 0.85;
      }
      if (t.lowerIs(m, "of") && t.lowerIs(m + 1, "age")) {
        return 0.85;
      }
      if (t.lowerIs(m, "young")) {
        return 0.8;
      }
      return 0;
    }
    if (w.equals("months") || w.equals("month")) {
      return t.lowerIs(k + 1, "old") ? 0.6 : 0;
    }
    return 0;
  }

  /** "aged 34", "age: 34", "age of 34", "turned 34", "I am 34.", "I'm 34". */
  private static double before(Text t, int i) {
    int k = i - 1;
    if (t.isPunct(k, ':') || t.isPunct(k, '=')) {
      k--;
    }
    if (t.lowerIs(k, "of") || t.lowerIs(k, "is") || t.lowerIs(k, "was")) {
      if (t.lowerIs(k - 1, "age")) {
        return 0.8;
      }
    }
    if (k < 0 || t.kind[k] != Text.WORD) {
      return 0;
    }
    String w = t.lower[k];
    if (w.equals("aged") || w.equals("age") || w.equals("ages")) {
      return 0.8;
    }
    boolean endsClause = i + 1 >= t.n || (t.kind[i + 1] == Text.PUNCT && ".,;!?)".indexOf(t.s.charAt(t.start[i + 1])) >= 0)
        || t.lowerIs(i + 1, "and") || t.lowerIs(i + 1, "now") || t.lowerIs(i + 1, "today") || t.lowerIs(i + 1, "this")
        || t.lowerIs(i + 1, "last") || t.lowerIs(i + 1, "next") || t.lowerIs(i + 1, "but")
        || (t.shape[i + 1] & Text.NEWLINE_BEFORE) != 0;
    if (w.equals("turned") || w.equals("turning") || w.equals("turn") || w.equals("turns")) {
      return endsClause || t.lowerIs(i + 1, "in") || t.lowerIs(i + 1, "on") ? 0.75 : 0.5;
    }
    boolean iAm = (w.equals("am") && t.lowerIs(k - 1, "i"))
        || (w.equals("m") && t.isPunct(k - 1, '\'') && t.lowerIs(k - 2, "i"))
        || (w.equals("m") && t.isPunct(k - 1, '’') && t.lowerIs(k - 2, "i"))
        || ((w.equals("is") || w.equals("s") || w.equals("was")) && (t.lowerIs(k - 1, "he") || t.lowerIs(k - 2, "he")
            || t.lowerIs(k - 1, "she") || t.lowerIs(k - 2, "she") || (w.equals("was") && t.lowerIs(k - 1, "i"))));
    if (iAm && endsClause && i + 1 < t.n && !t.isPunct(i + 1, '%')) {
      return 0.6;
    }
    if (iAm && i + 1 >= t.n) {
      return 0.6;
    }
    return 0;
  }
}
