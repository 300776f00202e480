package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lexicon's fast paths give the answers of its plain ones: the packed table for short words a-z
 * agrees with the string table, and the per-char accent table with the normalizer.
 */
class LexiconLookupTest {

  private static long lookup(Lexicon lex, String word) {
    char[] padded = ("#" + word + "#").toCharArray(); // a word inside a text, not a whole array
    return lex.lookup(padded, 1, 1 + word.length());
  }

  @Test
  void scannedWordsAreFoundWhateverTheirCaseLengthOrTable() {
    // 12 letters fit a packed key, 13 do not; hot words sit in the small first table
    List<String> words = List.of("a", "anna", "abcdefghijkl", "abcdefghijklm", "zzzzzzzzzzzz", "zyxwvutsrqponm",
        "straße", "x", "berg");
    Lexicon.Builder b = new Lexicon.Builder().hot(List.of("anna", "abcdefghijklm", "x"));
    for (int k = 0; k < words.size(); k++) {
      b.add(words.get(k), 1 << (k % 20));
    }
    Lexicon lex = b.build();
    for (String w : words) {
      int flags = lex.flags(w);
      assertThat(flags).as(w).isNotZero();
      for (String form : List.of(w, w.toUpperCase(java.util.Locale.ROOT),
          Character.toUpperCase(w.charAt(0)) + w.substring(1))) {
        if (!Lexicon.isAscii(form) || !form.toLowerCase(java.util.Locale.ROOT).equals(w)) {
          continue; // the char look-up is for ASCII words; others go through flags(String)
        }
        long v = lookup(lex, form);
        assertThat(v).as(form).isNotNegative();
        assertThat((int) v).as(form).isEqualTo(flags);
        assertThat(lex.entryWord((int) (v >>> 32))).isEqualTo(w);
        assertThat(lex.find(("#" + form + "#").toCharArray(), 1, 1 + form.length())).isEqualTo((int) (v >>> 32));
        assertThat(lex.asciiFlags(("#" + form + "#").toCharArray(), 1, 1 + form.length())).isEqualTo(flags);
      }
    }
    // absent: unknown words, prefixes and extensions of known ones, letters next to non-letters
    for (String w : List.of("ann", "annas", "abcdefghijk", "abcdefghijklmn", "zzzzzzzzzzzy", "b", "an@a", "ann[",
        "ann`", "ohara")) {
      assertThat(lookup(lex, w)).as(w).isEqualTo(-1);
      assertThat(lex.asciiFlags(w.toCharArray(), 0, w.length())).as(w).isZero();
    }
  }

  @Test
  void theStandardLexiconAgreesWithItselfOnEveryScannedWord() {
    Lexicon lex = Gazetteers.standard();
    Text t = new Text("Anna Berg lives at 12 Hauptstrasse in Tallinn; she works for Pfizer Inc. Unknownword "
        + "CHRISTIANSEN the and of zzqxv", lex);
    for (int k = 0; k < t.n; k++) {
      if (t.kind[k] == Text.WORD) {
        assertThat(t.lex[k]).as(t.lower[k]).isEqualTo(lex.flags(t.lower[k]));
      }
    }
  }

  @Test
  void accentsAreStrippedAsTheNormalizerStripsThem() {
    StringBuilder all = new StringBuilder();
    for (char c = 0xC0; c < 0x250; c++) {
      String s = "a" + c + "z";
      assertThat(Lexicon.stripAccents(s)).as("U+%04X", (int) c).isEqualTo(normalizerStrip(s));
      all.append(c);
    }
    for (String s : List.of(all.toString(), "jerković", "façade", "ångström", "Nguyễn", "e\u0301te", "Ørsted",
        "straße", "ascii", "Иван", "Æsir")) {
      assertThat(Lexicon.stripAccents(s)).as(s).isEqualTo(Lexicon.hasLatinAccent(s) ? normalizerStrip(s) : s);
    }
  }

  private static String normalizerStrip(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < d.length(); i++) {
      if (Character.getType(d.charAt(i)) != Character.NON_SPACING_MARK) {
        b.append(d.charAt(i));
      }
    }
    return b.toString();
  }
}
