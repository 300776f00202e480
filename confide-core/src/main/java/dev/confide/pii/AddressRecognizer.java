package dev.confide.pii;

import java.util.Arrays;
import java.util.Set;

/**
 * Postal addresses, reported as components the way address parsers split them: the street line (building
 * number, street name with its type, house number) and each secondary unit ("Apt. 5") as
 * {@code STREET_ADDRESS}; the locality, region and country lines that follow as {@code LOCATION}; the
 * postal code as {@code ZIP_CODE}. Addresses written over several lines or separated by commas are
 * followed to their end, so every line of the address is covered. Street lines are found by their shape:
 * "221 Baker Street" (type after the name), "Rua do Arenque 1634" (type before), "Søndergade 52"
 * (compound street names), "PO Box 12", or a numbered name where the text says an address follows.
 */
final class AddressRecognizer implements Recognizer {
  private static final String[] COMPOUND_SUFFIXES = sortedByLength(Vocabulary.STREET_SUFFIXES);
  private static final Set<String> STRONG_UNITS = Set.of("apt", "apartment", "apto", "suite", "ste", "unit", "flat");
  private static final Set<String> MILITARY = Set.of("apo", "fpo", "dpo");

  private final boolean whole;

  /**
   * @param whole report a whole address (all its lines) as one span, rather than the street line and then
   *              each further line's components
   */
  AddressRecognizer(boolean whole) {
    this.whole = whole;
  }

  /**
   * Folds the components found after the street candidate at {@code first} into it while they are on a
   * line up to {@code lastLine}: "221 Baker Street, London NW1 6XE" is one street line; a locality on the
   * next line stays a component of its own.
   */
  private static void merge(Text t, Candidates out, int first, int lastLine) {
    int m = first + 1;
    int end = out.end[first];
    while (m < out.size && t.line[t.tokenAt(out.start[m])] <= lastLine) {
      end = out.end[m];
      m++;
    }
    if (m == first + 1) {
      return;
    }
    out.end[first] = end;
    out.score[first] = Math.max(out.score[first], 0.8);
    int kept = first + 1;
    for (int x = m; x < out.size; x++, kept++) {
      out.type[kept] = out.type[x];
      out.start[kept] = out.start[x];
      out.end[kept] = out.end[x];
      out.score[kept] = out.score[x];
      out.contextual[kept] = out.contextual[x];
    }
    out.size = kept;
  }

  @Override
  public void scan(Text t, Candidates out) {
    int i = 0;
    while (i < t.n) {
      // cheap skip: most tokens can start nothing here
      byte kind = t.kind[i];
      if (kind == Text.PUNCT ? !t.isPunct(i, '#')
          : kind == Text.WORD && (t.shape[i] & (Text.CAP | Text.ALL_CAPS | Text.CASELESS)) == 0
              && (t.lex[i] & (Lexicon.STREET_PREFIX | Lexicon.UNIT | Lexicon.POSTAL_LABEL)) == 0
              && t.length(i) > 4 && !"corner".equals(t.lower[i])) {
        i++;
        continue;
      }
      int[] st = street(t, i);
      if (st != null) {
        int before = out.size;
        out.add(EntityTypes.STREET_ADDRESS, t.start[st[0]], t.end[st[1] - 1], st[2] / 100.0);
        int k = block(t, st[1], out);
        merge(t, out, before, whole || runsOn(t, st[0]) ? Integer.MAX_VALUE : t.line[st[0]]);
        i = Math.max(k, st[1]);
        continue;
      }
      if (t.lowerIs(i, "corner") && t.lowerIs(i + 1, "of")) {
        int e = intersection(t, i + 2, out);
        if (e > i) {
          i = e;
          continue;
        }
      }
      int u = unit(t, i);
      if (u > i && STRONG_UNITS.contains(t.lower[i])) {
        out.add(EntityTypes.STREET_ADDRESS, t.start[i], t.end[u - 1], 0.55);
        i = u;
        continue;
      }
      int z = labelledPostal(t, i, out);
      i = Math.max(z, i + 1);
    }
  }

  // ---- street lines ---------------------------------------------------------------------------

  /** A street line starting at token {@code i}: {start, endExclusive, score*100}, or null. */
  private static int[] street(Text t, int i) {
    if (t.kind[i] == Text.PUNCT) {
      return null;
    }
    if (t.kind[i] == Text.WORD && !mayStartStreet(t, i)) {
      return null;
    }
    int[] po = t.kind[i] == Text.WORD && t.length(i) <= 5 ? poBox(t, i) : null;
    if (po != null) {
      return po;
    }
    if (t.kind[i] == Text.NUM && t.length(i) <= 6 && i + 1 < t.n && t.kind[i + 1] == Text.WORD && sameLine(t, i + 1)
        && t.length(i + 1) <= 5) {
      po = poBox(t, i + 1);
      if (po != null) {
        po[0] = i;
        return po;
      }
    }
    int k = i;
    boolean lead = false;
    if (t.kind[k] == Text.NUM) {
      if (t.length(k) > 6 || (k > 0 && t.attached(k) && t.kind[k - 1] != Text.PUNCT)
          || (k > 0 && t.attached(k) && (t.isPunct(k - 1, '.') || t.isPunct(k - 1, '-') || t.isPunct(k - 1, '/')
          || t.isPunct(k - 1, ':') || t.isPunct(k - 1, '+') || t.isPunct(k - 1, '$')))) {
        return null;
      }
      int h = houseNumber(t, k);
      if (h < 0) {
        return null;
      }
      lead = true;
      k = h;
      if (t.isNum(k) && !t.attached(k) && sameLine(t, k)) {
        int h2 = houseNumber(t, k);
        if (h2 > 0 && (t.kind[h2 < t.n ? h2 : k] == Text.WORD)) {
          k = h2;
        }
      }
      if (k >= t.n || !sameLine(t, k) || t.kind[k] != Text.WORD) {
        return null;
      }
    } else if (t.kind[k] != Text.WORD) {
      return null;
    }
    boolean cue = lead ? cueBefore(t, i) || lineStart(t, i) : cueBefore(t, i);

    // Prefix type: "Rua do Arenque 1634", "Via Tasso 129", "ul. Długa 5", "C/ Mayor 3", "26 rue des Lilas".
    boolean slashPrefix = t.lowerIs(k, "c") && t.isPunct(k + 1, '/') && t.attached(k + 1);
    if (slashPrefix || t.has(k, Lexicon.STREET_PREFIX) && ((t.shape[k] & (Text.CAP | Text.ALL_CAPS)) != 0
        || t.isPunct(k + 1, '.') || lead)) {
      int m = k + 1;
      if ((t.isPunct(m, '.') || t.isPunct(m, '/')) && t.attached(m)) {
        m++;
      }
      int names = 0;
      boolean lowerOk = lead || (t.shape[k] & Text.LOWER) != 0;
      while (m < t.n && names < 5 && sameLine(t, m) && (nameWord(t, m) || (names > 0 && particle(t, m))
          || (names == 0 && particle(t, m)) || (lowerOk && lowerStreetWord(t, m)))) {
        if (nameWord(t, m) || lowerStreetWord(t, m)) {
          names++;
        }
        m++;
        if (t.isPunct(m, '.') && t.attached(m) && t.length(m - 1) <= 3) {
          m++;
        }
      }
      if (names > 0) {
        int h = t.isNum(m) && sameLine(t, m) ? houseNumber(t, m) : -1;
        if (h > 0) {
          return new int[] {i, h, lead ? 85 : 80};
        }
        if (lead) {
          return new int[] {i, m, 70};
        }
      }
    }

    // Name words, then a street type or a compound street name.
    int m = k;
    int names = 0;
    int typeEnd = -1;
    boolean strong = false;
    int compoundEnd = -1;
    while (m < t.n && names < 5 && sameLine(t, m) && (nameWord(t, m) || streetTypeWord(t, m)
        || (names > 0 && particle(t, m)) || ordinal(t, m))) {
      if (ordinal(t, m)) {
        m += 2;
        names++;
        continue;
      }
      boolean isType = streetTypeWord(t, m) && names > 0;
      if (isType) {
        typeEnd = m + 1;
        strong = t.has(m, Lexicon.STREET_STRONG);
        // "St.", "Ave.": an abbreviation keeps its full stop; "Street." ends a sentence
        if (t.isPunct(typeEnd, '.') && t.attached(typeEnd) && t.length(m) <= 4) {
          typeEnd++;
        }
        if (!t.lowerIs(m, "u") || t.isPunct(m + 1, '.')) {
          break;
        }
      }
      if (t.isNum(m + 1) && compound(t.lower[m]) && (t.shape[m] & (Text.CAP | Text.ALL_CAPS | Text.LOWER)) != 0) {
        compoundEnd = m + 1;
        if (t.isNum(m + 1)) {
          break;
        }
      }
      names++;
      m++;
    }
    if (typeEnd > 0) {
      int end = typeEnd;
      // "14 Crown Street Kishiev Squares": a second name-and-type on the same line belongs to it.
      int x = end;
      int extra = 0;
      while (x < t.n && extra < 3 && sameLine(t, x) && nameWord(t, x) && !streetTypeWord(t, x)) {
        x++;
        extra++;
      }
      if (extra > 0 && x < t.n && sameLine(t, x) && streetTypeWord(t, x) && lead) {
        end = x + 1;
      }
      int h = t.isNum(end) && sameLine(t, end) && !t.attached(end) ? houseNumber(t, end) : -1;
      if (h > 0 && !t.isNum(h) && !(t.isPunct(h, '-') || t.isPunct(h, '.') && t.isNum(h + 1))) {
        return new int[] {i, h, lead ? 85 : 75};
      }
      if (lead && (strong || names >= 1)) {
        return new int[] {i, end, strong ? 85 : 70};
      }
      if (strong && cue && (t.lower[typeEnd - 1].length() > 2 || t.isPunct(typeEnd - 1, '.'))) {
        return new int[] {i, end, 55};
      }
      return null;
    }
    if (compoundEnd > 0) {
      int h = t.isNum(compoundEnd) && sameLine(t, compoundEnd) ? houseNumber(t, compoundEnd) : -1;
      if (h > 0) {
        return new int[] {i, h, lead ? 85 : 75};
      }
    }
    // A numbered name where an address is expected: "971 Kesk 53", "Joaquin Suarez 2906".
    if (names >= 1 && names <= 4 && cue && t.isNum(m) && sameLine(t, m) && !t.attached(m)) {
      int h = houseNumber(t, m);
      if (h > 0 && (h >= t.n || !t.isNum(h))) {
        return new int[] {i, h, lead ? 65 : 55};
      }
    }
    return null;
  }

  /** Cheap test: a word can start a street line only if a number or a street word follows on its line. */
  private static boolean mayStartStreet(Text t, int i) {
    if ((t.shape[i] & (Text.CAP | Text.ALL_CAPS | Text.CASELESS)) == 0 && (t.lex[i] & Lexicon.STREET_PREFIX) == 0) {
      return false;
    }
    for (int k = i + 1; k < t.n && k <= i + 7; k++) {
      if ((t.shape[k] & Text.NEWLINE_BEFORE) != 0) {
        return false;
      }
      if (t.kind[k] == Text.NUM || (t.lex[k] & Lexicon.STREET_TYPE) != 0) {
        return true;
      }
    }
    return false;
  }

  /** "the corner of 5th Avenue and Main Street": both streets, as one address. Returns the token after it, or -1. */
  private static int intersection(Text t, int k, Candidates out) {
    int a = streetish(t, k);
    if (a < 0 || !(t.lowerIs(a, "and") || t.isPunct(a, '&')) || !sameLine(t, a + 1)) {
      return -1;
    }
    int b = streetish(t, a + 1);
    if (b < 0) {
      return -1;
    }
    out.add(EntityTypes.STREET_ADDRESS, t.start[k], t.end[b - 1], 0.9);
    return b;
  }

  /** A street named at an intersection: a street line, or capitalized words (with a house number). */
  private static int streetish(Text t, int k) {
    if (k >= t.n) {
      return -1;
    }
    int[] st = street(t, k);
    if (st != null) {
      return st[1];
    }
    int m = k;
    if (t.isNum(m) && sameLine(t, m + 1)) {
      m++;
    }
    int names = 0;
    while (m < t.n && names < 4 && sameLine(t, m) && (nameWord(t, m) || streetTypeWord(t, m)
        || (names > 0 && (particle(t, m) || lowerStreetWord(t, m) || t.has(m, Lexicon.STREET_TYPE))))) {
      names++;
      m++;
      if (t.isPunct(m, '.') && t.attached(m)) {
        m++;
      }
    }
    if (names == 0) {
      return -1;
    }
    if (t.isNum(m) && sameLine(t, m)) {
      int h = houseNumber(t, m);
      if (h > 0) {
        m = h;
      }
    }
    return m;
  }

  /** "PO Box 12", "P.O. Box 12", "PSC 1234, Box 5678", "Unit 1234 Box 5678", with an APO/FPO/DPO line after. */
  private static int[] poBox(Text t, int i) {
    int k = i;
    int score;
    String w = t.lower[i];
    if (t.kind[i] != Text.WORD || w == null) {
      return null;
    }
    if ((w.equals("psc") || w.equals("unit") || w.equals("cmr")) && t.isNum(k + 1)) {
      k += 2;
      if (t.isPunct(k, ',')) {
        k++;
      }
      if (!t.lowerIs(k, "box") || !t.isNum(k + 1)) {
        return null;
      }
      k += 2;
      score = 85;
    } else if ((w.equals("po") || w.equals("p")) || w.equals("post")) {
      if (w.equals("p")) {
        if (!(t.isPunct(k + 1, '.') && t.lowerIs(k + 2, "o") && t.isPunct(k + 3, '.'))) {
          return null;
        }
        k += 4;
      } else if (w.equals("post")) {
        if (!t.lowerIs(k + 1, "office")) {
          return null;
        }
        k += 2;
      } else {
        k++;
      }
      if (!t.lowerIs(k, "box") || !t.isNum(k + 1)) {
        return null;
      }
      k += 2;
      score = 85;
    } else if ((w.equals("usns") || w.equals("uss") || w.equals("usnv") || w.equals("uscgc"))
        && (t.shape[i] & Text.ALL_CAPS) != 0
        && nameWord(t, k + 1)) {
      k++;
      while (k < t.n && k - i <= 5 && sameLine(t, k) && nameWord(t, k)) {
        k++;
      }
      score = 85;
    } else {
      return null;
    }
    // The military "city, state, ZIP" line: "APO AE 09012".
    if (k < t.n && MILITARY.contains(t.lower[k] == null ? "" : t.lower[k]) && t.kind[k + 1 < t.n ? k + 1 : k] == Text.WORD
        && t.isNum(k + 2)) {
      k += 3;
    }
    return new int[] {i, k, score};
  }

  /** The token after a house number at {@code k} ("12", "12B", "12-14", "19."), or -1. */
  private static int houseNumber(Text t, int k) {
    if (!t.isNum(k) || t.length(k) > 6) {
      return -1;
    }
    int e = k + 1;
    if (e < t.n && t.attached(e) && t.kind[e] == Text.WORD && t.length(e) <= 2 && !ordinalWord(t.lower[e])) {
      e++;
    } else if (e + 1 < t.n && t.attached(e) && (t.isPunct(e, '-') || t.isPunct(e, '/')) && t.isNum(e + 1)
        && t.attached(e + 1) && t.length(e + 1) <= 4) {
      e += 2;
    }
    if (e < t.n && t.attached(e) && (t.kind[e] == Text.NUM || t.kind[e] == Text.WORD)) {
      return -1;
    }
    return e;
  }

  // ---- the rest of an address -------------------------------------------------------------------

  /**
   * Units, localities, regions, postal codes and countries after a street line, on the same line (after
   * a comma) or on the next lines. Returns the token after the last component.
   */
  private static int block(Text t, int k, Candidates out) {
    int startLine = k < t.n ? t.line[Math.max(0, k - 1)] : 0;
    int lastEnd = k;
    int segments = 0;
    boolean blankUsed = false;
    while (k < t.n && segments < 8) {
      boolean comma = false;
      // "Erzsébet tér 19." / "u. 12.": a full stop after a house number does not end the address
      if (k < t.n && t.isPunct(k, '.') && t.attached(k) && segments == 0 && k + 1 < t.n
          && (t.shape[k + 1] & Text.NEWLINE_BEFORE) != 0) {
        k++;
      }
      while (k < t.n && (t.isPunct(k, ',') || t.isPunct(k, ';'))) {
        comma = true;
        k++;
      }
      // quote markers and bullets at the start of a line: "> Suite 5" (Text marks the token after them)
      if (k < t.n && t.kind[k] == Text.PUNCT && (t.shape[k] & Text.NEWLINE_BEFORE) != 0
          && Text.isLineMarker(t.s.charAt(t.start[k]))) {
        int m = k + 1;
        while (m < t.n && t.kind[m] == Text.PUNCT && Text.isLineMarker(t.s.charAt(t.start[m]))
            && (t.shape[m] & Text.NEWLINE_BEFORE) == 0) {
          m++;
        }
        if (m < t.n && (t.shape[m] & Text.NEWLINE_BEFORE) != 0) {
          k = m;
        }
      }
      if (k >= t.n || t.line[k] - startLine > 6) {
        break;
      }
      boolean newLine = (t.shape[k] & Text.NEWLINE_BEFORE) != 0 || (comma && (t.shape[k - 1] & Text.NEWLINE_BEFORE) != 0);
      if ((t.shape[k] & Text.BLANK_LINE_BEFORE) != 0) {
        if (blankUsed || !strongLocality(t, k)) {
          break;
        }
        blankUsed = true;
      }
      int u = unit(t, k);
      if (u > k) {
        out.add(EntityTypes.STREET_ADDRESS, t.start[k], t.end[u - 1], 0.8);
        k = lastEnd = u;
        segments++;
        continue;
      }
      int p = postal(t, k, true);
      if (p > k && (p >= t.n || !sameLine(t, p) || t.isPunct(p, ',') || !t.isNum(p))) {
        out.add(EntityTypes.ZIP_CODE, t.start[k], t.end[p - 1], 0.75);
        k = lastEnd = p;
        segments++;
        continue;
      }
      if (!newLine && !comma && (t.shape[k] & Text.ALL_CAPS) == 0) {
        break;
      }
      int e = place(t, k);
      if (e <= k) {
        break;
      }
      // a lone code after a comma ("..., SSN 536-...") is a region only if it is a known one or a postal code follows
      if (!newLine && e == k + 1 && (t.shape[k] & Text.ALL_CAPS) != 0 && t.length(k) <= 3
          && (t.lex[k] & (Lexicon.STATE_ABBR | Lexicon.COUNTRY_CODE)) == 0 && postal(t, e, true) < 0) {
        break;
      }
      // A trailing state abbreviation is its own component: "BUNDALAGUAH VIC", "Springfield IL".
      int last = e - 1;
      if (last > k && (t.shape[last] & Text.ALL_CAPS) != 0 && t.length(last) <= 3 && !t.isPunct(last, ')')) {
        emitPlace(t, k, last, out);
        emitPlace(t, last, e, out);
      } else {
        emitPlace(t, k, e, out);
      }
      k = lastEnd = e;
      segments++;
    }
    return lastEnd;
  }

  private static void emitPlace(Text t, int a, int b, Candidates out) {
    int e = b - 1;
    while (e > a && t.kind[e] == Text.PUNCT && !t.isPunct(e, ')')
        && !(t.isPunct(e, '.') && t.kind[e - 1] == Text.WORD && t.length(e - 1) <= 2)) {
      e--; // a full stop ends the sentence, except after an abbreviation ("D.C.")
    }
    boolean known = false;
    for (int x = a; x <= e; x++) {
      if ((t.lex[x] & Lexicon.PLACE) != 0 || (t.lex[x] & Lexicon.STATE_ABBR) != 0) {
        known = true;
      }
    }
    out.add(EntityTypes.LOCATION, t.start[a], t.end[e], known ? 0.88 : 0.82);
  }

  /** A place name in an address: 1 to 5 words on one line, up to a comma, a postal code or the line end. */
  private static int place(Text t, int k) {
    int m = k;
    int words = 0;
    int line = t.line[k];
    while (m < t.n && t.line[m] == line && words <= 5 && m - k < 24) {
      if (m > k && t.kind[m] == Text.WORD && ukOrCanadian(t.s, t.start[m]) > 0) {
        break; // "London NW1 6XE": the postal code starts here
      }
      if (t.kind[m] == Text.WORD) {
        if (t.has(m, Lexicon.LABEL) && (t.isPunct(m + 1, ':') || (t.shape[m] & Text.ALL_CAPS) != 0)) {
          return -1;
        }
        boolean ok = (t.shape[m] & (Text.CAP | Text.ALL_CAPS | Text.CASELESS)) != 0 || particle(t, m)
            || ((t.shape[m] & Text.LOWER) != 0 && (words > 0 || t.length(m) <= 12)
                && ((t.lex[m] & Lexicon.FUNCTION) == 0 || particle(t, m)));
        if (!ok) {
          return -1;
        }
        if ((t.lex[m] & Lexicon.FUNCTION) != 0 && !particle(t, m) && (t.shape[m] & (Text.CAP | Text.ALL_CAPS)) == 0) {
          return -1;
        }
        words++;
        m++;
      } else if (t.kind[m] == Text.PUNCT) {
        char c = t.s.charAt(t.start[m]);
        if (c == ',' || c == ';') {
          break;
        }
        if (c == '(' || c == ')' || c == '-' || c == '.' || c == '\'' || c == '’') {
          m++;
          continue;
        }
        if (c == ':' || c == '@' || c == '?' || c == '!') {
          return -1;
        }
        break;
      } else {
        break; // a number: the postal code, handled by the caller
      }
    }
    if (words == 0 || words > 5) {
      return -1;
    }
    // Nothing but a lower-case common word is a sentence, not a place, unless it is a line of its own.
    boolean ownLine = (t.shape[k] & Text.NEWLINE_BEFORE) != 0 && (m >= t.n || (t.shape[m] & Text.NEWLINE_BEFORE) != 0
        || t.kind[m] == Text.NUM || t.isPunct(m, ','));
    if (words == 1 && (t.lex[k] & Lexicon.COMMON) != 0 && (t.shape[k] & Text.LOWER) != 0 && !ownLine) {
      return -1;
    }
    return m;
  }

  /** Whether the segment at {@code k} is certainly part of an address (a country, a region, a postal code). */
  private static boolean strongLocality(Text t, int k) {
    if (postal(t, k, true) > k) {
      return true;
    }
    if (t.kind[k] == Text.WORD && (t.lex[k] & (Lexicon.COUNTRY | Lexicon.STATE)) != 0) {
      return true;
    }
    if (t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.PHRASE_START) != 0 && t.lexicon != null) {
      String key = t.lower[k] + (k + 1 < t.n && t.lower[k + 1] != null ? " " + t.lower[k + 1] : "");
      return (t.lexicon.phraseFlags(key) & (Lexicon.COUNTRY | Lexicon.STATE)) != 0;
    }
    return (t.shape[k] & Text.ALL_CAPS) != 0 && t.length(k) <= 3;
  }

  // ---- units and postal codes ---------------------------------------------------------------------

  /** "Apt. 5", "Suite 200", "Unit 4B", "Flat C", "# 12": the token after it, or -1. */
  static int unit(Text t, int k) {
    if (k >= t.n) {
      return -1;
    }
    int m;
    if (t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.UNIT) != 0
        && (t.shape[k] & (Text.CAP | Text.LOWER | Text.ALL_CAPS)) != 0) {
      m = k + 1;
      if (t.isPunct(m, '.') && t.attached(m)) {
        m++;
      }
    } else if (t.isPunct(k, '#') && t.isNum(k + 1)) {
      m = k;
    } else {
      return -1;
    }
    if (t.isPunct(m, '#')) {
      m++;
    } else if (t.lowerIs(m, "no")) {
      m++;
      if (t.isPunct(m, '.')) {
        m++;
      }
    }
    if (m >= t.n || !sameLine(t, m)) {
      return -1;
    }
    if (t.kind[m] == Text.NUM && t.length(m) <= 6) {
      int e = m + 1;
      if (e < t.n && t.attached(e) && t.kind[e] == Text.WORD && t.length(e) <= 2) {
        e++;
      } else if (e + 1 < t.n && t.attached(e) && t.isPunct(e, '-') && t.isNum(e + 1)) {
        e += 2;
      }
      return e;
    }
    if (t.kind[m] == Text.WORD && (t.shape[m] & Text.SINGLE) != 0 && (t.shape[m] & Text.CAP) != 0
        && !nameWord(t, m + 1)) {
      return m + 1;
    }
    return -1;
  }

  /**
   * A postal code at {@code k}: 4-6 digits (with "-1234" or "-123"), "394 13", "7412 SL", UK "SW1A 1AA",
   * Canadian "K1A 0B1". Returns the token after it, or -1.
   */
  static int postal(Text t, int k, boolean inAddress) {
    if (k >= t.n) {
      return -1;
    }
    String s = t.s;
    int e = ukOrCanadian(s, t.start[k]);
    if (e > 0) {
      return t.tokenAt(e);
    }
    if (t.kind[k] != Text.NUM) {
      return -1;
    }
    if (t.attached(k) && t.kind[k - 1] != Text.PUNCT) {
      return -1;
    }
    int len = t.length(k);
    if (len >= 4 && len <= 6) {
      int m = k + 1;
      if (t.isPunct(m, '-') && t.attached(m) && t.isNum(m + 1) && t.attached(m + 1) && (t.length(m + 1) == 4
          || t.length(m + 1) == 3)) {
        m += 2;
      } else if (len == 4 && m < t.n && !t.attached(m) && t.kind[m] == Text.WORD && t.length(m) == 2
          && (t.shape[m] & Text.ALL_CAPS) != 0 && sameLine(t, m) && (m + 1 >= t.n || !t.attached(m + 1))
          && (t.lex[m] & Lexicon.STATE_ABBR) == 0) {
        m++;
      }
      if (m < t.n && t.attached(m) && (t.kind[m] == Text.WORD || t.kind[m] == Text.NUM)) {
        return -1;
      }
      return m;
    }
    if (len == 3 && inAddress && t.isNum(k + 1) && t.length(k + 1) == 2 && !t.attached(k + 1) && sameLine(t, k + 1)
        && (k + 2 >= t.n || !t.isNum(k + 2))) {
      return k + 2;
    }
    return -1;
  }

  private static int ukOrCanadian(String s, int a) {
    // UK: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA
    int p = a;
    int letters = 0;
    while (p < s.length() && letters < 3 && s.charAt(p) >= 'A' && s.charAt(p) <= 'Z') {
      p++;
      letters++;
    }
    if (letters >= 1 && letters <= 2 && Chars.digitAt(s, p)) {
      int q = p + 1;
      if (q < s.length() && (Chars.digit(s.charAt(q)) || (s.charAt(q) >= 'A' && s.charAt(q) <= 'Z'))) {
        q++;
      }
      if (Chars.at(s, q) == ' ' && Chars.digitAt(s, q + 1) && upper(s, q + 2) && upper(s, q + 3)
          && !Chars.alnumAt(s, q + 4) && !Chars.alnumAt(s, a - 1)) {
        return q + 4;
      }
    }
    // Canada: A9A 9A9
    if (upper(s, a) && Chars.digitAt(s, a + 1) && upper(s, a + 2) && (Chars.at(s, a + 3) == ' ' || Chars.at(s, a + 3) == '-')
        && Chars.digitAt(s, a + 4) && upper(s, a + 5) && Chars.digitAt(s, a + 6) && !Chars.alnumAt(s, a + 7)
        && !Chars.alnumAt(s, a - 1)) {
      return a + 7;
    }
    return -1;
  }

  private static boolean upper(String s, int i) {
    char c = Chars.at(s, i);
    return c >= 'A' && c <= 'Z';
  }

  /**
   * Postal codes outside a recognized street address: after "ZIP", "postal code", "postcode" (any postal
   * shape) or after a US state abbreviation ("Springfield, IL 62704").
   */
  private static int labelledPostal(Text t, int i, Candidates out) {
    if (t.kind[i] == Text.WORD && (t.lex[i] & Lexicon.POSTAL_LABEL) != 0) {
      int k = i + 1;
      if (t.lowerIs(k, "code") || t.lowerIs(k, "code:")) {
        k++;
      }
      if (t.isPunct(k, ':') || t.isPunct(k, '-') || t.isPunct(k, '#')) {
        k++;
      }
      if (t.lowerIs(k, "is")) {
        k++;
      }
      int p = postal(t, k, true);
      if (p < 0 && t.isNum(k) && t.length(k) >= 3 && t.length(k) <= 7 && !t.isNum(k + 1)) {
        p = k + 1;
      }
      if (p > k) {
        out.add(EntityTypes.ZIP_CODE, t.start[k], t.end[p - 1], 0.85);
        return p;
      }
      return i + 1;
    }
    if (t.kind[i] == Text.WORD && (t.lex[i] & Lexicon.STATE_ABBR) != 0 && (t.shape[i] & Text.ALL_CAPS) != 0
        && t.length(i) == 2 && t.isNum(i + 1) && t.length(i + 1) == 5 && sameLine(t, i + 1)) {
      int p = postal(t, i + 1, false);
      if (p > i + 1) {
        boolean commaBefore = t.isPunct(i - 1, ',');
        out.add(EntityTypes.ZIP_CODE, t.start[i + 1], t.end[p - 1], commaBefore ? 0.8 : 0.65);
        out.add(EntityTypes.LOCATION, t.start[i], t.end[i], commaBefore ? 0.7 : 0.5);
        return p;
      }
    }
    return i + 1;
  }

  // ---- token predicates ---------------------------------------------------------------------------

  private static boolean sameLine(Text t, int k) {
    return k < t.n && (t.shape[k] & Text.NEWLINE_BEFORE) == 0;
  }

  /**
   * Whether an address whose street line starts at token {@code k} is written into running text ("send it
   * to 12 High St⏎Leeds⏎LS1 4AB", "Address: 12 High St⏎..."): something precedes it on its line, so the
   * lines that follow continue that one mention and are reported with it as one span. An address that
   * starts its own line is laid out as a block, one component per line, and is reported component by
   * component.
   */
  private static boolean runsOn(Text t, int k) {
    return (t.shape[k] & Text.NEWLINE_BEFORE) == 0;
  }

  private static boolean lineStart(Text t, int k) {
    return (t.shape[k] & Text.NEWLINE_BEFORE) != 0 || (k > 0 && t.isPunct(k - 1, ':'));
  }

  /** An address cue ("lives at", "billing address:", "ship to") shortly before token {@code k}. */
  private static boolean cueBefore(Text t, int k) {
    for (int p = k - 1; p >= 0 && p >= k - 8; p--) {
      if ((t.lex[p] & Lexicon.ADDRESS_CUE) != 0) {
        return true;
      }
      if (t.kind[p] == Text.PUNCT && (t.isPunct(p, '.') || t.isPunct(p, '?') || t.isPunct(p, '!'))
          && (t.shape[p + 1] & Text.NEWLINE_BEFORE) == 0 && p < k - 1) {
        return false;
      }
    }
    return false;
  }

  private static boolean nameWord(Text t, int k) {
    if (k >= t.n || t.kind[k] != Text.WORD) {
      return false;
    }
    int sh = t.shape[k];
    if ((sh & (Text.CAP | Text.ALL_CAPS | Text.CASELESS)) == 0) {
      return false;
    }
    return (t.lex[k] & Lexicon.FUNCTION) == 0 || (t.lex[k] & Lexicon.STREET_TYPE) != 0 || t.lowerIs(k, "st");
  }

  /** A lower-case word in a street name written in lower case ("rue des lilas"): not a common English word. */
  private static boolean lowerStreetWord(Text t, int k) {
    return k < t.n && t.kind[k] == Text.WORD && (t.shape[k] & Text.LOWER) != 0 && t.length(k) >= 3
        && (t.lex[k] & (Lexicon.FUNCTION | Lexicon.COMMON)) == 0;
  }

  private static boolean particle(Text t, int k) {
    if (k >= t.n || t.kind[k] != Text.WORD || (t.shape[k] & Text.LOWER) == 0) {
      return false;
    }
    String w = t.lower[k];
    return (t.lex[k] & Lexicon.PARTICLE) != 0 || w.equals("do") || w.equals("das") || w.equals("dos")
        || w.equals("des") || w.equals("of") || w.equals("the") || w.equals("on") || w.equals("upon");
  }

  private static boolean ordinal(Text t, int k) {
    return t.isNum(k) && k + 1 < t.n && t.attached(k + 1) && t.kind[k + 1] == Text.WORD && ordinalWord(t.lower[k + 1])
        && nameWord(t, k + 2);
  }

  private static boolean ordinalWord(String w) {
    return w.equals("st") || w.equals("nd") || w.equals("rd") || w.equals("th");
  }

  /** A street type word: "Street", "Rd", "tér", "utca", and "u." (Hungarian utca). */
  private static boolean streetTypeWord(Text t, int k) {
    if (k >= t.n || t.kind[k] != Text.WORD) {
      return false;
    }
    if ((t.lex[k] & Lexicon.STREET_TYPE) != 0) {
      return (t.shape[k] & (Text.CAP | Text.ALL_CAPS)) != 0 || t.isPunct(k + 1, '.');
    }
    String w = t.lower[k];
    if (w.equals("u") && t.isPunct(k + 1, '.') && t.isNum(k + 2)) {
      return true;
    }
    return (w.equals("tér") || w.equals("utca") || w.equals("út") || w.equals("körút") || w.equals("gata")
        || w.equals("gade") || w.equals("vej") || w.equals("straße") || w.equals("strasse") || w.equals("str")
        || w.equals("katu") || w.equals("tie") || w.equals("weg") || w.equals("laan"))
        && t.isNum(k + 1 + (t.isPunct(k + 1, '.') ? 1 : 0));
  }

  /** A one-word street name ending with a street type: "Koskikatu", "Søndergade", "Hauptstraße". */
  static boolean compound(String lower) {
    if (lower == null) {
      return false;
    }
    for (String suffix : COMPOUND_SUFFIXES) {
      if (lower.length() >= suffix.length() + 3 && lower.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  private static String[] sortedByLength(String[] words) {
    String[] copy = words.clone();
    Arrays.sort(copy, (a, b) -> b.length() - a.length());
    return copy;
  }
}
