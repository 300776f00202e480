package dev.confide.pii;

/**
 * Dates and times: ISO timestamps, numeric dates (day and month checked), dates with English month names,
 * weekdays, clock times, and four-digit years. A year alone is weak evidence; a preposition such as "in"
 * or "since" before it, or a date-of-birth cue, makes it stronger.
 */
final class DateTimeRecognizer implements Recognizer {
  @Override
  public void scan(Text t, Candidates out) {
    String s = t.s;
    int i = 0;
    while (i < t.n) {
      int next = i + 1;
      if (t.kind[i] == Text.NUM) {
        int r = numericDate(t, i, out);
        if (r > i) {
          next = r;
        } else if ((r = dayMonth(t, i, out)) > i) {
          next = r;
        } else if ((r = time(t, i, out, 0.6)) > i) {
          next = r;
        } else {
          year(t, i, out);
        }
      } else if (t.kind[i] == Text.WORD) {
        int f = t.lex[i];
        if ((f & Lexicon.MONTH) != 0) {
          int r = monthFirst(t, i, out);
          if (r > i) {
            next = r;
          }
        } else if ((f & Lexicon.WEEKDAY) != 0 && t.length(i) >= 6 && (t.shape[i] & (Text.CAP | Text.LOWER)) != 0) {
          int e = t.end[i];
          double score = 0.6;
          // "Monday, 3 May 2021": let the date join the weekday.
          if (t.isPunct(i + 1, ',') && (t.isNum(i + 2) || t.has(i + 2, Lexicon.MONTH))) {
            int before = out.size;
            int r = t.isNum(i + 2) ? dayMonth(t, i + 2, out) : monthFirst(t, i + 2, out);
            if (r < 0 || out.size == before) {
              r = numericDate(t, i + 2, out);
            }
            if (out.size > before) {
              e = out.end[out.size - 1];
              out.size = before;
              score = 0.9;
              next = t.tokenAt(e);
            }
          }
          out.add(EntityTypes.DATE_TIME, t.start[i], e, score);
        }
      }
      i = Math.max(next, i + 1);
    }
  }

  /** 2020-01-31[ 12:30[:45]], 31/01/2020, 1/31/2020, 2020/01/31, 31.01.2020. Returns the next token or -1. */
  private static int numericDate(Text t, int i, Candidates out) {
    if (!(t.isNum(i + 2) && t.isNum(i + 4)) || t.attached(i) && t.kind[i - 1] != Text.PUNCT) {
      return -1;
    }
    if (i > 0 && t.attached(i) && (t.isPunct(i - 1, '.') || t.isPunct(i - 1, '/') || t.isPunct(i - 1, '-'))) {
      return -1;
    }
    char sep = t.s.charAt(t.start[i + 1]);
    if (t.kind[i + 1] != Text.PUNCT || !(sep == '-' || sep == '/' || sep == '.')
        || !t.isPunct(i + 3, sep) || !t.attached(i + 1) || !t.attached(i + 2) || !t.attached(i + 3) || !t.attached(i + 4)) {
      return -1;
    }
    if (t.isNum(i + 6) && t.attached(i + 5) && t.attached(i + 6) && t.kind[i + 5] == Text.PUNCT) {
      return -1; // a fourth group: a version or an IP address
    }
    int l0 = t.length(i);
    int l1 = t.length(i + 2);
    int l2 = t.length(i + 4);
    int a = Chars.parse(t.s, t.start[i], t.end[i]);
    int b = Chars.parse(t.s, t.start[i + 2], t.end[i + 2]);
    int c = Chars.parse(t.s, t.start[i + 4], t.end[i + 4]);
    double score;
    if (l0 == 4 && l1 <= 2 && l2 <= 2) {
      if (!(a >= 1000 && a <= 2999 && b >= 1 && b <= 12 && c >= 1 && c <= 31)) {
        return -1;
      }
      score = 0.9;
    } else if (l0 <= 2 && l1 <= 2 && (l2 == 4 || l2 == 2)) {
      boolean md = a >= 1 && a <= 12 && b >= 1 && b <= 31;
      boolean dm = b >= 1 && b <= 12 && a >= 1 && a <= 31;
      if (!md && !dm) {
        return -1;
      }
      if (l2 == 4 && !(c >= 1000 && c <= 2999)) {
        return -1;
      }
      score = l2 == 4 ? 0.85 : (sep == '/' ? 0.6 : 0.45);
    } else {
      return -1;
    }
    int endTok = i + 4;
    if (Chars.alnumAt(t.s, t.end[endTok])) {
      return -1;
    }
    // a time after the date: " 12:30:45", "T12:30"
    int k = endTok + 1;
    if (k < t.n && t.isNum(k) && !t.attached(k) && (t.shape[k] & Text.NEWLINE_BEFORE) == 0) {
      int before = out.size;
      int r = time(t, k, out, 0.6);
      if (r > k && out.size > before) {
        int e = out.end[out.size - 1];
        out.size = before;
        out.add(EntityTypes.DATE_TIME, t.start[i], e, score + 0.05);
        return r;
      }
    }
    // 2020-01-31T12:30:00
    if (t.attached(k) && t.s.charAt(t.start[k]) == 'T' && t.length(k) == 1 && t.isNum(k + 1) && t.attached(k + 1)) {
      int before = out.size;
      int r = time(t, k + 1, out, 0.6);
      if (r > k && out.size > before) {
        int e = out.end[out.size - 1];
        out.size = before;
        out.add(EntityTypes.DATE_TIME, t.start[i], e, score + 0.05);
        return r;
      }
    }
    out.add(EntityTypes.DATE_TIME, t.start[i], t.end[endTok], score);
    return endTok + 1;
  }

  /** 12:30, 12:30:45, 9:05 pm, 3pm, 3 p.m. Returns the next token or -1. */
  static int time(Text t, int i, Candidates out, double base) {
    int h = Chars.parse(t.s, t.start[i], t.end[i]);
    if (h < 0 || h > 24 || t.length(i) > 2) {
      return -1;
    }
    int k = i + 1;
    int end = t.end[i];
    boolean minutes = false;
    if (t.isPunct(k, ':') && t.attached(k) && t.isNum(k + 1) && t.attached(k + 1) && t.length(k + 1) == 2) {
      int m = Chars.parse(t.s, t.start[k + 1], t.end[k + 1]);
      if (m > 59) {
        return -1;
      }
      minutes = true;
      end = t.end[k + 1];
      k += 2;
      if (t.isPunct(k, ':') && t.attached(k) && t.isNum(k + 1) && t.attached(k + 1) && t.length(k + 1) == 2) {
        end = t.end[k + 1];
        k += 2;
        if (t.isPunct(k, '.') && t.attached(k) && t.isNum(k + 1) && t.attached(k + 1)) {
          end = t.end[k + 1];
          k += 2;
        }
      }
    }
    boolean meridiem = false;
    if (k < t.n && t.kind[k] == Text.WORD && (t.lowerIs(k, "am") || t.lowerIs(k, "pm"))) {
      meridiem = h >= 1 && h <= 12;
      if (meridiem) {
        end = t.end[k];
        k++;
      }
    } else if (k + 3 < t.n && (t.lowerIs(k, "a") || t.lowerIs(k, "p")) && t.isPunct(k + 1, '.') && t.lowerIs(k + 2, "m")
        && t.isPunct(k + 3, '.')) {
      meridiem = h >= 1 && h <= 12;
      if (meridiem) {
        end = t.end[k + 3];
        k += 4;
      }
    }
    if (!minutes && !meridiem) {
      return -1;
    }
    if (Chars.alnumAt(t.s, end) || (minutes && !meridiem && Chars.at(t.s, end) == ':')) {
      return -1;
    }
    // "3:2" ratios and scores are not times; a colon time without meridiem needs two-digit minutes (checked).
    out.add(EntityTypes.DATE_TIME, t.start[i], end, meridiem ? base + 0.1 : base);
    return k;
  }

  /** 5 January 2020, 5th of Jan, 5 Jan. Returns the next token or -1. */
  private static int dayMonth(Text t, int i, Candidates out) {
    int d = Chars.parse(t.s, t.start[i], t.end[i]);
    if (d < 1 || d > 31 || t.length(i) > 2) {
      return -1;
    }
    int k = i + 1;
    if (k < t.n && t.attached(k) && t.kind[k] == Text.WORD && isOrdinal(t.lower[k])) {
      k++;
    }
    if (t.lowerIs(k, "of")) {
      k++;
    }
    if (!(k < t.n && t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.MONTH) != 0 && (t.shape[k] & Text.CAP) != 0)) {
      return -1;
    }
    int end = t.end[k];
    boolean abbreviation = t.length(k) <= 4 && !t.lowerIs(k, "may") && !t.lowerIs(k, "june") && !t.lowerIs(k, "july");
    k++;
    if (abbreviation && t.isPunct(k, '.') && t.attached(k)) {
      end = t.end[k]; // "5 Jan." – not the full stop after "3 May."
      k++;
    }
    int y = yearAfter(t, k);
    double score = 0.75;
    if (y > 0) {
      end = t.end[y];
      k = y + 1;
      score = 0.9;
    }
    out.add(EntityTypes.DATE_TIME, t.start[i], end, score);
    return k;
  }

  /** January 5, 2020; Jan. 5th; March 2020; "October" alone. Returns the next token or -1. */
  private static int monthFirst(Text t, int i, Candidates out) {
    String w = t.lower[i];
    boolean full = w.length() >= 3 && !(w.equals("may") || w.equals("march") || w.equals("mar") || w.equals("jan")
        || w.equals("sat") || w.equals("sun") || w.equals("dec") || w.equals("jun") || w.equals("oct") || w.equals("sep")
        || w.equals("aug") || w.equals("apr") || w.equals("nov") || w.equals("feb") || w.equals("jul"));
    boolean cap = (t.shape[i] & Text.CAP) != 0;
    int k = i + 1;
    int end = t.end[i];
    if (t.isPunct(k, '.') && t.attached(k)) {
      k++;
    }
    if (t.isNum(k) && t.length(k) <= 2) {
      int d = Chars.parse(t.s, t.start[k], t.end[k]);
      if (d >= 1 && d <= 31 && (!Chars.alnumAt(t.s, t.end[k]) || (k + 1 < t.n && t.kind[k + 1] == Text.WORD
          && isOrdinal(t.lower[k + 1]) && t.attached(k + 1)))) {
        end = t.end[k];
        k++;
        if (k < t.n && t.kind[k] == Text.WORD && t.attached(k) && isOrdinal(t.lower[k])) {
          end = t.end[k];
          k++;
        }
        int y = yearAfter(t, k);
        if (y > 0) {
          end = t.end[y];
          k = y + 1;
        }
        if (!cap && !full) {
          return -1;
        }
        out.add(EntityTypes.DATE_TIME, t.start[i], end, y > 0 ? 0.9 : 0.75);
        return k;
      }
    }
    int y = yearAfter(t, k);
    if (y > 0 && (cap || full)) {
      out.add(EntityTypes.DATE_TIME, t.start[i], t.end[y], 0.85);
      return y + 1;
    }
    if (full && cap && w.length() >= 4 && !w.equals("june") && !w.equals("august") && !w.equals("april")) {
      out.add(EntityTypes.DATE_TIME, t.start[i], end, 0.5);
    }
    return -1;
  }

  /** A four-digit year at {@code k}, after an optional comma; its token index or -1. */
  private static int yearAfter(Text t, int k) {
    if (t.isPunct(k, ',')) {
      k++;
    }
    if (t.isNum(k) && t.length(k) == 4 && !Chars.alnumAt(t.s, t.end[k])) {
      int y = Chars.parse(t.s, t.start[k], t.end[k]);
      if (y >= 1000 && y <= 2999) {
        return k;
      }
    }
    return -1;
  }

  private static void year(Text t, int i, Candidates out) {
    if (t.length(i) != 4) {
      return;
    }
    int y = Chars.parse(t.s, t.start[i], t.end[i]);
    if (y < 1900 || y > 2099) {
      return;
    }
    String s = t.s;
    char before = Chars.at(s, t.start[i] - 1);
    char after = Chars.at(s, t.end[i]);
    if (Chars.alnum(before) || Chars.alnum(after) || before == '#' || before == '$' || before == '€' || before == '£'
        || before == '+' || after == '%' || ((before == '-' || before == '/' || before == '.' || before == ':'
        || before == ',') && Chars.digitAt(s, t.start[i] - 2)) || ((after == '-' || after == '/' || after == ':'
        || after == ',' || after == '.') && Chars.digitAt(s, t.end[i] + 1))) {
      return;
    }
    double score = 0.5;
    // "2000 people", "1999 dollars": a count, not a year
    if (i + 1 < t.n && t.kind[i + 1] == Text.WORD && (t.shape[i + 1] & Text.LOWER) != 0 && !t.attached(i + 1)
        && t.lower[i + 1].length() > 3 && t.lower[i + 1].endsWith("s")) {
      score = 0.35;
    }
    int p = i - 1;
    if (p >= 0 && t.kind[p] == Text.WORD) {
      String w = t.lower[p];
      if (w.equals("in") || w.equals("since") || w.equals("of") || w.equals("from") || w.equals("until")
          || w.equals("till") || w.equals("by") || w.equals("during") || w.equals("before") || w.equals("after")
          || w.equals("circa") || w.equals("year") || w.equals("around") || w.equals("late") || w.equals("early")
          || w.equals("mid") || w.equals("summer") || w.equals("winter") || w.equals("spring") || w.equals("autumn")
          || w.equals("fall") || w.equals("born") || w.equals("to") || w.equals("between") || w.equals("and")) {
        score = 0.6;
      }
    } else if (before == '(' && after == ')') {
      score = 0.6;
    }
    out.add(EntityTypes.DATE_TIME, t.start[i], t.end[i], score);
  }

  private static boolean isOrdinal(String w) {
    return w.equals("st") || w.equals("nd") || w.equals("rd") || w.equals("th");
  }
}
