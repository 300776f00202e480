package dev.confide.pii;

/**
 * Signature and contact blocks: a name line, then short lines, then address, phone or email lines. The short
 * lines in between are the person's organization ("Acme Ltd") or job title ("Senior Analyst"), whatever
 * their words. Runs after the other recognizers and reads their candidates.
 */
final class ContactBlockRecognizer implements Recognizer {
  private static final int MAX_WORDS = 6;

  @Override
  public void scan(Text t, Candidates out) {
    if (t.n == 0 || t.line[t.n - 1] < 2) {
      return;
    }
    int lines = t.line[t.n - 1] + 1;
    int[] first = new int[lines];
    int[] last = new int[lines];
    java.util.Arrays.fill(first, -1);
    for (int k = 0; k < t.n; k++) {
      int l = t.line[k];
      if (first[l] < 0) {
        first[l] = k;
      }
      last[l] = k;
    }
    // skip quote markers and bullets at line starts: "> ", "??? ", "* "
    for (int l = 0; l < lines; l++) {
      while (first[l] >= 0 && first[l] <= last[l] && t.kind[first[l]] == Text.PUNCT && isMarker(t.s.charAt(t.start[first[l]]))) {
        first[l]++;
      }
      if (first[l] > last[l]) {
        first[l] = -1;
      }
    }
    // what the other recognizers found on each line, in one pass over their candidates
    boolean[] contact = new boolean[lines];
    double[] personCover = new double[lines];
    for (int c = 0; c < out.size; c++) {
      if (out.score[c] < 0.5) {
        continue;
      }
      String type = out.type[c];
      boolean isContact = type.equals(EntityTypes.STREET_ADDRESS) || type.equals(EntityTypes.PHONE_NUMBER)
          || type.equals(EntityTypes.EMAIL_ADDRESS) || type.equals(EntityTypes.URL) || type.equals(EntityTypes.ZIP_CODE);
      boolean isPerson = type.equals(EntityTypes.PERSON) && out.score[c] >= 0.6;
      if (!isContact && !isPerson) {
        continue;
      }
      int l = t.line[Math.min(t.n - 1, t.tokenAt(out.start[c]))];
      if (first[l] < 0) {
        continue;
      }
      if (isContact) {
        contact[l] = true;
      } else {
        int from = t.start[first[l]];
        int to = t.end[last[l]];
        double cover = (double) (Math.min(to, out.end[c]) - Math.max(from, out.start[c])) / (to - from);
        personCover[l] = Math.max(personCover[l], cover);
      }
    }
    byte[] kind = new byte[lines]; // 0 other/empty, 1 person, 2 contact, 3 plain
    for (int l = 0; l < lines; l++) {
      if (first[l] < 0) {
        continue;
      }
      kind[l] = classify(t, first[l], last[l], contact[l], personCover[l]);
    }
    for (int l = 0; l < lines; l++) {
      if (kind[l] != 3) {
        continue;
      }
      boolean personAbove = false;
      for (int u = l - 1, seen = 0; u >= 0 && seen < 3; u--) {
        if (first[u] < 0) {
          continue;
        }
        seen++;
        if (kind[u] == 1) {
          personAbove = true;
          break;
        }
        if (kind[u] != 3) {
          break;
        }
      }
      if (!personAbove) {
        continue;
      }
      boolean contactBelow = false;
      for (int d = l + 1, seen = 0; d < lines && seen < 4; d++) {
        if (first[d] < 0) {
          continue;
        }
        seen++;
        if (kind[d] == 2) {
          contactBelow = true;
          break;
        }
        if (kind[d] == 0) {
          break;
        }
      }
      if (!contactBelow) {
        continue;
      }
      boolean job = false;
      for (int k = first[l]; k <= last[l]; k++) {
        if ((t.lex[k] & Lexicon.JOB) != 0) {
          job = true;
        }
      }
      int a = first[l];
      int b = last[l];
      while (b > a && t.kind[b] == Text.PUNCT) {
        b--;
      }
      out.add(job ? EntityTypes.TITLE : EntityTypes.ORGANIZATION, t.start[a], t.end[b], job ? 0.75 : 0.72, false);
    }
  }

  private static boolean isMarker(char c) {
    return c == '>' || c == '?' || c == '*' || c == '-' || c == '•' || c == '|' || c == '#';
  }

  /** 1 = a person's name line, 2 = an address, phone, email or web line, 3 = a short plain line, 0 = other. */
  private static byte classify(Text t, int a, int b, boolean contact, double personCover) {
    int from = t.start[a];
    int to = t.end[b];
    int words = 0;
    boolean digits = false;
    boolean colon = false;
    for (int k = a; k <= b; k++) {
      if (t.kind[k] == Text.WORD) {
        words++;
      } else if (t.kind[k] == Text.NUM) {
        digits = true;
      } else if (t.isPunct(k, ':') || t.isPunct(k, '@')) {
        colon = true;
      }
    }
    if (contact || (colon && (t.lex[a] & Lexicon.LABEL) != 0)) {
      return 2;
    }
    if (personCover >= 0.8) {
      return 1;
    }
    if (!digits && !colon && words >= 1 && words <= MAX_WORDS && to - from <= 60) {
      return 3;
    }
    return 0;
  }
}
