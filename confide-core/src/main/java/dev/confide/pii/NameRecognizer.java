package dev.confide.pii;

import java.util.Set;

/**
 * Names in free text: persons, locations, organizations, nationality/religious/political groups (NRP) and
 * titles. Finds chunks of capitalized words (with initials, particles such as "van" or "de", hyphens and
 * apostrophes), looks their words up in the gazetteers (first and last names, places, nationalities,
 * legal forms), weighs the words around them ("my name is", "Mr.", "said", "lives in", "works at",
 * possessives, speaker labels, "A and B") and the shape of unknown words, and proposes the likely types
 * with scores. Text written all in lower case is read with the gazetteers alone.
 */
final class NameRecognizer implements Recognizer {
  static final Set<String> PERSON_BEFORE = Set.of("thanks", "thank", "meet", "met", "contact", "ask", "asked", "tell",
      "told", "love", "xoxo", "cc", "by", "with", "to", "and", "under", "for", "per", "spoke", "speak", "from", "says",
      "said", "saying", "ex", "about", "of", "manager", "director", "singer", "speaker", "client", "customer",
      "user", "employee", "student", "teacher", "doctor", "nurse", "partner", "assistant", "child", "invite",
      "invited", "ping", "email", "emailed", "text", "texted", "call", "visit", "visited", "like", "likes", "saw");
  static final Set<String> PERSON_BEFORE_STRONG = Set.of("dear", "hi", "hello", "hey", "named", "called", "calls",
      "attn", "sincerely", "regards", "cheers", "signed", "wife", "husband", "son", "daughter", "mother", "father",
      "brother", "sister", "friend", "boss", "colleague", "kid", "uncle", "aunt", "cousin", "nephew", "niece",
      "boyfriend", "girlfriend", "patient", "mom", "dad", "grandma", "grandpa", "fiancé", "fiancée", "fiance", "ceo",
      "founder", "author", "producer", "starring", "featuring", "feat", "actor", "actress", "composer", "writer",
      "novelist", "poet", "painter", "mr", "mrs", "ms", "dr", "by");
  static final Set<String> PERSON_AFTER = Set.of("is", "was", "has", "had", "will", "would", "can", "could", "did",
      "does", "went", "goes", "gave", "got", "began", "started", "joined", "left", "spent", "moved", "became", "who",
      "whose", "listed", "mentioned", "sent", "paid", "bought", "signed", "agreed", "needs", "needed", "can't",
      "won't", "isn't", "wasn't", "doesn't", "didn't", "stated", "reported", "announced", "confirmed", "suggested",
      "continued", "speak", "speaks", "plays", "played", "called", "calls");
  /** Verbs that mostly take a person as subject: "Trivo lives on ...". */
  static final Set<String> PERSON_AFTER_HUMAN = Set.of("lives", "lived", "works", "worked", "wants", "wanted", "likes",
      "liked", "loves", "loved", "knows", "knew", "thinks", "think", "feels", "felt", "grew", "died", "born",
      "married", "emailed", "texted", "remembered", "sings", "sang", "smiles", "cried", "laughs", "hopes", "hoped",
      "wrote", "writes", "studied", "studies", "graduated", "retired", "resigned", "apologized", "apologised");
  static final Set<String> PERSON_AFTER_STRONG = Set.of("said", "says", "told", "asked", "explained", "wrote",
      "replied", "added", "noted", "believes", "herself", "himself", "laughed", "smiled", "shouted", "whispered",
      "answered", "responded", "argued", "claimed", "admitted", "recalled", "insisted", "concert", "novel",
      "album", "song", "songs", "book", "books", "film", "films", "version", "verses", "quartet", "trio", "band");
  static final Set<String> LOCATION_BEFORE = Set.of("in", "at", "from", "to", "near", "into", "across", "around",
      "toward", "towards", "outside", "inside", "throughout", "via", "of", "leave", "left", "reach", "drive", "drove",
      "between", "serving");
  static final Set<String> LOCATION_BEFORE_STRONG = Set.of("visit", "visited", "visiting", "flew", "fly", "flying",
      "travel", "traveled", "travelled", "city", "town", "village", "country", "province", "capital", "downtown",
      "arrived", "arrive", "reached", "towards", "toward", "trip", "vacation", "holiday", "relocated", "in");
  static final Set<String> ORG_BEFORE = Set.of("at", "for", "joined", "join", "with", "from", "by", "of", "company",
      "firm", "employer", "client", "vendor", "supplier", "startup", "acquired", "acquire", "partnered", "hired",
      "sponsored", "founded", "launched", "became", "to", "her", "his", "their", "our");
  static final Set<String> WORK_WORDS = Set.of("work", "works", "worked", "working", "employed", "job", "intern",
      "interned", "interning", "year", "years", "employee", "ceo", "cto", "cfo", "founder", "cofounder", "president",
      "director", "manager", "engineer", "head", "vp", "chairman", "partner", "consultant", "analyst", "assistant",
      "representative", "spokesperson", "spokesman", "spokeswoman", "joined", "join", "left", "quit", "months",
      "contract", "contractor", "hired", "internship", "salesperson", "songwriter", "developer", "designer");
  static final Set<String> SPEAKER_EXCLUDED = Set.of("note", "warning", "subject", "re", "fwd", "ps", "tip", "update",
      "summary", "answer", "question", "q", "a", "step", "example", "result", "error", "status", "todo", "important",
      "edit", "source", "location", "price", "total", "bot", "user", "assistant", "system", "ai", "human", "customer",
      "agent", "support", "admin", "moderator", "me", "you", "host", "guest", "interviewer", "narrator", "chorus",
      "verse", "bridge", "intro", "outro", "hook");
  static final Set<String> TITLE_LABELS = Set.of("title", "position", "job", "occupation", "role", "profession",
      "designation");
  static final Set<String> PERSON_LABELS = Set.of("name", "customer", "client", "patient", "contact", "from", "to",
      "author", "by", "attn", "signed", "cc", "employee", "applicant", "recipient", "sender", "owner", "holder",
      "cardholder", "beneficiary", "guest", "passenger", "student", "member", "user", "full", "who", "manager",
      "supervisor", "physician", "doctor", "nurse", "witness", "signature");
  static final Set<String> ORG_LABELS = Set.of("company", "organization", "organisation", "employer", "org",
      "business", "firm", "school", "university", "bank", "insurer", "provider");
  static final Set<String> PLACE_LABELS = Set.of("city", "country", "state", "where", "location", "place", "region",
      "town", "province", "birthplace", "origin", "destination", "venue");

  /** The word before "in" that makes the name after it a place: "lives in X", "based in X". */
  static final Set<String> BEFORE_IN_PLACE = Set.of("up", "lives", "live", "living", "born", "based", "located", "stay",
      "stayed", "trip", "here", "office", "offices", "am", "m", "was", "were", "vacation", "holiday", "moved",
      "arrived", "stationed", "headquartered", "raised", "lived", "study", "studied", "studying");
  static final Set<String> BEFORE_TO_PLACE = Set.of("moved", "flew", "went", "go", "trip", "travel", "been",
      "relocated", "welcome", "back", "returned", "drove", "move", "moving", "going");
  static final Set<String> BEFORE_OF_PLACE = Set.of("city", "town", "university", "state", "republic", "kingdom",
      "outskirts", "streets", "economy", "people", "north", "south", "east", "west", "center", "centre");
  static final Set<String> BEFORE_FROM_PLACE = Set.of("am", "m", "comes", "come", "hails", "originally", "moved",
      "here", "flew", "arrived");
  /** "joined X", "acquired X": the name right after is an organization. */
  static final Set<String> ORG_RIGHT_BEFORE = Set.of("joined", "company", "firm", "employer", "startup", "acquired",
      "hired", "became");
  /** "X headquarters", "X employees". */
  static final Set<String> ORG_RIGHT_AFTER = Set.of("songwriter", "resignation", "employees", "headquarters", "stock",
      "shares", "ceo", "office", "offices", "website", "staff", "brand", "customers", "subsidiary");
  /** "X is a company", "X is a 501(c)3". */
  static final Set<String> IS_A_ORG = Set.of("company", "firm", "startup", "corporation", "brand", "manufacturer",
      "provider", "bank", "retailer", "charity", "nonprofit", "non-profit", "501");
  /** "X is a film": a work's title, not a person. */
  static final Set<String> IS_A_WORK = Set.of("film", "movie", "song", "book", "game");
  static final Set<String> IS_A_PLACE = Set.of("city", "town", "village", "country", "region", "province", "state");

  /** Set membership that is false for a missing word. */
  private static boolean in(Set<String> words, String w) {
    return w != null && words.contains(w);
  }

  // Which of the context word sets above a word is in, as bits: the context of a chunk then costs one
  // look-up per neighbouring word instead of one per set.
  private static final int CUE_PERSON_BEFORE = 1;
  private static final int CUE_PERSON_BEFORE_STRONG = 1 << 1;
  private static final int CUE_PERSON_AFTER = 1 << 2;
  private static final int CUE_PERSON_AFTER_HUMAN = 1 << 3;
  private static final int CUE_PERSON_AFTER_STRONG = 1 << 4;
  private static final int CUE_LOCATION_BEFORE = 1 << 5;
  private static final int CUE_LOCATION_BEFORE_STRONG = 1 << 6;
  private static final int CUE_ORG_BEFORE = 1 << 7;
  private static final int CUE_WORK = 1 << 8;
  private static final int CUE_PERSON_LABEL = 1 << 9;
  private static final int CUE_ORG_LABEL = 1 << 10;
  private static final int CUE_PLACE_LABEL = 1 << 11;
  private static final java.util.Map<String, Integer> CUES = cues();

  private static java.util.Map<String, Integer> cues() {
    java.util.Map<String, Integer> m = new java.util.HashMap<>();
    java.util.List<Set<String>> sets = java.util.List.of(PERSON_BEFORE, PERSON_BEFORE_STRONG, PERSON_AFTER,
        PERSON_AFTER_HUMAN, PERSON_AFTER_STRONG, LOCATION_BEFORE, LOCATION_BEFORE_STRONG, ORG_BEFORE, WORK_WORDS,
        PERSON_LABELS, ORG_LABELS, PLACE_LABELS); // in the order of the bits
    for (int b = 0; b < sets.size(); b++) {
      for (String w : sets.get(b)) {
        m.merge(w, 1 << b, (x, y) -> x | y);
      }
    }
    return java.util.Map.copyOf(m);
  }

  /** The context sets {@code lowerWord} is in (0 for null). */
  private static int cues(String lowerWord) {
    if (lowerWord == null) {
      return 0;
    }
    Integer c = CUES.get(lowerWord);
    return c == null ? 0 : c;
  }

  @Override
  public void scan(Text t, Candidates out) {
    new Scan(t, out).run();
  }

  /** One scan of one text. */
  private static final class Scan {
    final Text t;
    final Candidates out;
    /** The text is written in lower case: names can't be told by capitals. */
    final boolean caseless;
    /** Char offset where the last confident person name ended (for "A and B"). */
    int lastPersonEnd = -1;
    /** Scratch for stems looked up by {@link #inflectedCommon(int)}. */
    char[] stem;

    Scan(Text t, Candidates out) {
      this.t = t;
      this.out = out;
      int words = 0;
      int caps = 0;
      for (int k = 0; k < t.n; k++) {
        if (t.kind[k] == Text.WORD && (t.shape[k] & Text.CASELESS) == 0) {
          words++;
          if ((t.shape[k] & (Text.CAP | Text.ALL_CAPS)) != 0 && !"i".equals(t.lower[k])) {
            caps++;
          }
        }
      }
      this.caseless = words >= 3 && caps * 25 < words;
    }

    void run() {
      int i = 0;
      while (i < t.n) {
        if (t.kind[i] != Text.WORD) {
          i++;
          continue;
        }
        if (nameWord(i)) {
          int j = chunkEnd(i);
          int org = orgList(i, j);
          if (org > i) {
            i = org;
            continue;
          }
          chunk(i, j);
          i = j;
          continue;
        }
        if ((t.shape[i] & Text.LOWER) != 0) {
          int j = lowerName(i);
          if (j > i) {
            i = j;
            continue;
          }
          nrp(i, i + 1);
          jobTitle(i);
          honorificLower(i);
        }
        i++;
      }
    }

    // ---- chunks -----------------------------------------------------------------------------------

    /** A word that can be part of a name: capitalized, or in lower-case text a gazetteer name or place. */
    boolean nameWord(int k) {
      if (k >= t.n || t.kind[k] != Text.WORD) {
        return false;
      }
      int sh = t.shape[k];
      if ((sh & (Text.CAP | Text.ALL_CAPS)) != 0) {
        return true;
      }
      int f = t.lex[k];
      if ((sh & Text.CASELESS) != 0) {
        return (f & (Lexicon.NAME | Lexicon.PLACE)) != 0;
      }
      if (caseless && (sh & Text.LOWER) != 0) {
        return (f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.NRP)) != 0 && (f & (Lexicon.COMMON | Lexicon.FUNCTION)) == 0
            && t.length(k) >= 3;
      }
      return false;
    }

    /** A lower-case word continuing a lower-case name ("borna jerković"): unknown, not a common word. */
    boolean lowerContinuation(int k) {
      if (!caseless || k >= t.n || t.kind[k] != Text.WORD || (t.shape[k] & Text.LOWER) == 0) {
        return false;
      }
      int f = t.lex[k];
      return (f & (Lexicon.COMMON | Lexicon.FUNCTION)) == 0 && (t.length(k) >= 3 || (t.shape[k] & Text.SINGLE) != 0);
    }

    int chunkEnd(int i) {
      int k = i + 1;
      int words = 1;
      while (k < t.n && words < 7 && k - i < 16) {
        if ((t.shape[k] & Text.NEWLINE_BEFORE) != 0) {
          break;
        }
        if ((nameWord(k) || (lowerContinuation(k) && nameWord(k - 1))) && !t.attached(k)) {
          k++;
          words++;
          continue;
        }
        // an initial's full stop: "Faina D. Yefremova"
        if (t.isPunct(k, '.') && t.attached(k) && (t.shape[k - 1] & Text.SINGLE) != 0
            && (nameWord(k + 1) || lowerContinuation(k + 1))) {
          k++;
          continue;
        }
        // hyphenated and apostrophe names: "Rosales-McGuire", "O'Brien", "D'Angelo"
        if ((t.isPunct(k, '-') || t.isPunct(k, '\'') || t.isPunct(k, '’')) && t.attached(k) && k + 1 < t.n
            && t.attached(k + 1) && (nameWord(k + 1) || lowerContinuation(k + 1)) && !t.lowerIs(k + 1, "s")) {
          k += 2;
          continue;
        }
        // particles inside a name: "Ludwig van Beethoven", "Villafranca del Cid"
        if (t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.PARTICLE) != 0 && (t.shape[k] & Text.LOWER) != 0
            && nameWord(k + 1) && !t.attached(k + 1) && !caseless) {
          k++;
          continue;
        }
        break;
      }
      return k;
    }

    void chunk(int a, int b) {
      if (honorific(a, b)) {
        return;
      }
      if (organization(a, b)) {
        return;
      }
      // A known place at the end: "Southern Poland", "Milford New Zealand", "in United Kingdom".
      int place = placeSuffix(a, b);
      if (place == a) {
        classify(a, b);
        return;
      }
      if (place > a) {
        int pre = trimEnd(stripStart(a, place), place);
        if (pre < place) {
          classify(stripStart(a, place), pre);
        }
        classify(place, b);
        return;
      }
      int s = stripStart(a, b);
      if (s >= b) {
        nrp(a, b);
        jobTitle(a);
        return;
      }
      if (s > a && (t.lex[s] & Lexicon.HONORIFIC) != 0 && honorific(s, b)) {
        return; // "Dear Dr. Okonkwo"
      }
      int e = trimEnd(s, b);
      if (e <= s) {
        return;
      }
      if (e == s + 1 && jobLike(s)) {
        jobTitle(s); // "as Fumigator", ", the Cinematographer,"
      }
      classify(s, e);
      if (e < b) {
        int next = e;
        while (next < b && (t.kind[next] == Text.PUNCT || (t.lex[next] & Lexicon.PARTICLE) != 0)) {
          next++;
        }
        if (next < b) {
          chunk(next, b);
        }
      }
    }

    /**
     * A chunk ending with a legal form or an organization word is an organization, its common words
     * included: "Rapid Cycle Solutions", "Shepherd Ltd.", "3 Round Stones Inc".
     */
    boolean organization(int a, int b) {
      int e = b;
      while (e > a && t.kind[e - 1] == Text.PUNCT) {
        e--;
      }
      if (e - a < 2 || t.kind[e - 1] != Text.WORD) {
        return false;
      }
      int f = t.lex[e - 1];
      boolean suffix = (f & Lexicon.ORG_SUFFIX) != 0;
      if (!suffix && (f & Lexicon.ORG_WORD) == 0) {
        return false;
      }
      int s = a;
      while (s < e && (t.kind[s] != Text.WORD || (t.lex[s] & Lexicon.FUNCTION) != 0
          || ((t.shape[s] & Text.SENTENCE_START) != 0 && (t.lex[s] & (Lexicon.COMMON | Lexicon.NAME | Lexicon.PLACE))
              == Lexicon.COMMON && s == a && (t.lex[s] & Lexicon.ORG_WORD) == 0 && e - s > 2))) {
        s++;
      }
      if (e - s < 2) {
        return false;
      }
      int caps = 0;
      int commonWords = 0;
      for (int k = s; k < e; k++) {
        if (t.kind[k] != Text.WORD) {
          continue;
        }
        if ((t.lex[k] & Lexicon.FUNCTION) != 0 && !t.lowerIs(k, "and") && !t.lowerIs(k, "of")
            && (t.lex[k] & Lexicon.PARTICLE) == 0) {
          return false;
        }
        if ((t.shape[k] & Text.ALL_CAPS) != 0) {
          caps++;
          if ((t.lex[k] & Lexicon.COMMON) != 0) {
            commonWords++;
          }
        }
      }
      if (caps >= 2 && commonWords * 2 >= caps) {
        return false; // shouting, not a name: "PLEASE PRESS"
      }
      // a leading number belongs to the name: "3 Round Stones Inc"
      if (s > 0 && t.isNum(s - 1) && !t.attached(s) && s == a && (t.shape[s - 1] & Text.NEWLINE_BEFORE) == 0
          && !t.isNum(s - 2) && (s - 2 < 0 || t.kind[s - 2] == Text.WORD)) {
        s--;
      }
      int end = t.end[e - 1];
      if (suffix && t.isPunct(e, '.') && t.attached(e)) {
        end = t.end[e];
      }
      Context cx = new Context(s, e);
      double sc = suffix ? 0.85 : 0.65;
      if (cx.org || cx.orgWeak || cx.orgLabel) {
        sc += 0.15;
      }
      out.add(EntityTypes.ORGANIZATION, t.start[s], end, sc, false);
      if (!suffix) {
        // "Amsterdam University", "Acme Bank": the name may also be read as a place or person
        classify(s, e - 1);
      }
      return true;
    }

    /** "Mr. Smith", "Dr Jane Doe", "Professor Ada Lovelace": TITLE for the honorific, PERSON after. */
    boolean honorific(int a, int b) {
      if ((t.lex[a] & Lexicon.HONORIFIC) == 0) {
        return false;
      }
      boolean abbreviated = (t.lex[a] & Lexicon.ABBR_HONORIFIC) != 0;
      int after = a + 1;
      int titleEnd = a + 1;
      if (t.isPunct(after, '.') && t.attached(after)) {
        titleEnd = after + 1;
        after++;
      }
      if (after >= t.n || t.attached(after) || !nameWord(after) || (t.lex[after] & Lexicon.FUNCTION) != 0) {
        return false;
      }
      int f = t.lex[after];
      boolean nameLike = (f & (Lexicon.NAME)) != 0 || (f & Lexicon.COMMON) == 0;
      if (!abbreviated && !nameLike) {
        return false; // "Princess Royal", "Major League"
      }
      if (!abbreviated && (t.lex[after] & Lexicon.HONORIFIC) != 0) {
        return false;
      }
      int nameEnd = chunkEnd(after);
      int e = trimEnd(after, nameEnd);
      if (e <= after) {
        e = after + 1;
      }
      out.add(EntityTypes.TITLE, t.start[a], t.end[titleEnd - 1], abbreviated ? 0.85 : 0.6, false);
      out.add(EntityTypes.PERSON, t.start[after], t.end[e - 1], abbreviated ? 0.9 : 0.75, false);
      lastPersonEnd = t.end[e - 1];
      if (e < nameEnd) {
        chunk(e, nameEnd);
      }
      return true;
    }

    /** "ms. quinzia" in lower case. */
    void honorificLower(int i) {
      if ((t.lex[i] & Lexicon.ABBR_HONORIFIC) != 0 && t.isPunct(i + 1, '.') && t.attached(i + 1)
          && i + 2 < t.n && t.kind[i + 2] == Text.WORD && (t.shape[i + 2] & (Text.CAP | Text.LOWER)) != 0
          && (t.lex[i + 2] & (Lexicon.COMMON | Lexicon.FUNCTION)) == 0) {
        out.add(EntityTypes.TITLE, t.start[i], t.end[i + 1], 0.75, false);
        int e = chunkEnd(i + 2);
        out.add(EntityTypes.PERSON, t.start[i + 2], t.end[e - 1], 0.75, false);
      }
    }

    /** The first token of the longest gazetteer place phrase ending at {@code b}, or -1. */
    int placeSuffix(int a, int b) {
      for (int s = Math.max(a, b - Math.min(4, t.lexicon.maxPhraseTokens())); s < b; s++) {
        if (t.kind[s] != Text.WORD) {
          continue;
        }
        int f = phrase(s, b);
        if ((f & (Lexicon.COUNTRY | Lexicon.STATE)) != 0 || (f & Lexicon.CITY) != 0 && b - s >= 2) {
          return s;
        }
      }
      return -1;
    }

    /** Drops leading words that only start the sentence or are common words: "Unlike the Johnson novel". */
    int stripStart(int a, int b) {
      int s = a;
      boolean strongCue = strongPersonCueBefore(a);
      while (s < b && strip(s, s == a, strongCue)) {
        s++;
        while (s < b && t.kind[s] == Text.PUNCT) {
          s++;
        }
        if (s < b && (t.lex[s] & Lexicon.PARTICLE) != 0 && (t.shape[s] & Text.LOWER) != 0) {
          s++;
        }
      }
      return s;
    }

    boolean strongPersonCueBefore(int a) {
      int p = a - 1;
      if (p < 0 || t.kind[p] != Text.WORD) {
        return false;
      }
      String prev = t.lower[p];
      String prev2 = p > 0 ? t.lower[p - 1] : null;
      return ("is".equals(prev) && "name".equals(prev2)) || "named".equals(prev) || "starring".equals(prev)
          || "called".equals(prev) || "became".equals(prev) || "joined".equals(prev)
          || (("for".equals(prev) || "at".equals(prev)) && prev2 != null && WORK_WORDS.contains(prev2));
    }

    boolean strip(int k, boolean first, boolean strongCue) {
      if (t.kind[k] != Text.WORD) {
        return true;
      }
      int f = t.lex[k];
      if ((f & Lexicon.FUNCTION) != 0) {
        return (f & Lexicon.HONORIFIC) == 0 || (t.shape[k] & Text.CAP) == 0;
      }
      if (strongCue && first) {
        return false;
      }
      boolean sentenceStart = (t.shape[k] & Text.SENTENCE_START) != 0;
      // "Вчера Иван Петров": an unknown word starting the sentence before a first and a last name
      if (first && sentenceStart && f == 0 && k + 2 < t.n && nameWord(k + 1) && nameWord(k + 2)
          && (t.lex[k + 1] & Lexicon.FIRST) != 0 && (t.lex[k + 1] & Lexicon.COMMON) == 0
          && (t.lex[k + 2] & Lexicon.LAST) != 0) {
        return true;
      }
      boolean name = (f & Lexicon.NAME) != 0;
      boolean common = (f & Lexicon.COMMON) != 0;
      if ((f & (Lexicon.MONTH | Lexicon.WEEKDAY)) != 0 && !name) {
        return true;
      }
      if ((f & (Lexicon.JOB | Lexicon.NRP | Lexicon.LABEL)) != 0 && !name) {
        return true;
      }
      if (common && !name) {
        return true;
      }
      if (common && sentenceStart && (t.shape[k] & Text.ALL_CAPS) == 0) {
        // "Will you ...": a common word that is also a name, at the start, with no name after it
        return !nameWord(k + 1) && !(t.isPunct(k + 1, '.') && nameWord(k + 2));
      }
      return false;
    }

    /** Drops trailing common words (not names, places or organization words). */
    int trimEnd(int s, int b) {
      int e = b;
      while (e > s) {
        int k = e - 1;
        if (t.kind[k] == Text.PUNCT) {
          e--;
          continue;
        }
        int f = t.lex[k];
        if ((f & Lexicon.PARTICLE) != 0 && (t.shape[k] & Text.LOWER) != 0) {
          e--;
          continue;
        }
        boolean keep = (f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.ORG_SUFFIX | Lexicon.ORG_WORD)) != 0
            || (f & Lexicon.COMMON) == 0 || (t.shape[k] & Text.SINGLE) != 0;
        if (keep && (f & Lexicon.FUNCTION) == 0) {
          break;
        }
        e--;
      }
      return e;
    }

    /** Place flags of [s, e) as one gazetteer word or phrase. */
    int phrase(int s, int e) {
      int count = e - s;
      if (count == 1) {
        return t.lex[s] & Lexicon.PLACE;
      }
      if (count > t.lexicon.maxPhraseTokens() || (t.lex[s] & Lexicon.PHRASE_START) == 0) {
        return 0;
      }
      StringBuilder key = new StringBuilder();
      for (int k = s; k < e; k++) {
        if (k > s) {
          key.append(' ');
        }
        key.append(t.lower[k] != null ? t.lower[k] : t.raw(k));
      }
      String k = key.toString();
      int f = t.lexicon.phraseFlags(k);
      if (f == 0 && !Lexicon.isAscii(k)) {
        f = t.lexicon.phraseFlags(Lexicon.stripAccents(k));
      }
      return f & Lexicon.PLACE;
    }

    // ---- classification -----------------------------------------------------------------------------

    void classify(int s, int e) {
      int words = 0;
      int first = 0;
      int last = 0;
      int ambiguous = 0;
      int unknown = 0;
      int common = 0;
      int place = 0;
      int initials = 0;
      int allCaps = 0;
      int orgWord = 0;
      boolean orgSuffix = false;
      double shapeSum = 0;
      for (int k = s; k < e; k++) {
        if (t.kind[k] != Text.WORD) {
          continue;
        }
        int f = t.lex[k];
        if ((t.shape[k] & Text.LOWER) != 0 && (f & Lexicon.PARTICLE) != 0 && !caseless) {
          continue;
        }
        if ((t.shape[k] & Text.SINGLE) != 0) {
          initials++;
          continue;
        }
        words++;
        if ((t.shape[k] & Text.ALL_CAPS) != 0) {
          allCaps++;
        }
        boolean isCommon = (f & Lexicon.COMMON) != 0;
        if ((f & Lexicon.ORG_SUFFIX) != 0 && k == e - 1 && k > s) {
          orgSuffix = true;
        }
        if ((f & Lexicon.ORG_WORD) != 0 && k > s) {
          orgWord++;
        }
        if ((f & Lexicon.FIRST) != 0 && !isCommon) {
          first++;
        }
        if ((f & Lexicon.LAST) != 0 && !isCommon) {
          last++;
        }
        if ((f & Lexicon.NAME) != 0 && isCommon) {
          ambiguous++;
        }
        if ((f & Lexicon.PLACE) != 0) {
          place++;
        }
        if ((f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.COMMON | Lexicon.NRP | Lexicon.ORG_WORD | Lexicon.ORG_SUFFIX
            | Lexicon.JOB | Lexicon.MONTH | Lexicon.WEEKDAY | Lexicon.HONORIFIC | Lexicon.STREET_TYPE)) == 0
            && inflectedCommon(k)) {
          common++;
        } else if ((f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.COMMON | Lexicon.NRP | Lexicon.ORG_WORD | Lexicon.ORG_SUFFIX
            | Lexicon.JOB | Lexicon.MONTH | Lexicon.WEEKDAY | Lexicon.HONORIFIC | Lexicon.STREET_TYPE)) == 0) {
          unknown++;
          shapeSum += t.lexicon.shape.score(t.lower[k]);
        } else if (isCommon && (f & Lexicon.NAME) == 0) {
          common++;
        }
      }
      if (words == 0) {
        if (initials > 0 && e - s >= 2) {
          words = 0; // only initials: "J. K." – not enough
        }
        return;
      }
      int start = t.start[s];
      int end = t.end[e - 1];
      boolean sentenceStart = (t.shape[s] & Text.SENTENCE_START) != 0 && !caseless;
      Context cx = new Context(s, e);

      // Shouting ("I DON'T KNOW WHAT TO PRESS") is not a name.
      if (allCaps == words && words >= 2 && common * 2 >= words && first + last == 0) {
        return;
      }

      // Organizations: a legal form or an organization word at the end.
      if (orgSuffix || (orgWord > 0 && words >= 2)) {
        double sc = orgSuffix ? 0.85 : 0.65;
        if (cx.org || cx.orgWeak) {
          sc += 0.15;
        }
        if (orgSuffix && t.isPunct(e, '.') && t.attached(e)) {
          end = t.end[e]; // "Shepherd Ltd."
        }
        out.add(EntityTypes.ORGANIZATION, start, end, sc, false);
        if (orgSuffix || words - orgWord <= 1) {
          return;
        }
      }

      // "Bot:", "Name:" – labels, not names
      if (words == 1 && (t.lex[s] & Lexicon.LABEL) != 0 && e < t.n && t.isPunct(e, ':')) {
        return;
      }

      // Nationalities and groups: "Russian", "Shiite".
      boolean adjective = e < t.n && t.kind[e] == Text.WORD && (t.shape[e] & Text.LOWER) != 0
          && (t.lex[e] & Lexicon.FUNCTION) == 0;
      if (words == 1 && (t.lex[s] & Lexicon.NRP) != 0 && (t.lex[s] & Lexicon.PLACE) == 0
          && ((t.lex[s] & Lexicon.NAME) == 0 || adjective)) {
        nrp(s, e);
        return;
      }

      int placeFlags = phrase(s, e);
      boolean wholePlace = placeFlags != 0;
      boolean streetLike = t.has(e - 1, Lexicon.STREET_TYPE) && (t.lex[e - 1] & Lexicon.NAME) == 0;
      boolean streetLikeName = e - s >= 2 && t.has(e - 1, Lexicon.STREET_TYPE) && (t.lex[e - 1] & Lexicon.FIRST) == 0;
      boolean numbered = s > 0 && t.isNum(s - 1) && !t.attached(s) && t.isNum(e);

      if (wholePlace) {
        double sc = 0.6;
        boolean alsoName = (first + last + ambiguous) > 0 && words == 1;
        if (alsoName) {
          sc = 0.45;
        }
        if ((placeFlags & (Lexicon.COUNTRY | Lexicon.STATE)) != 0 && (words > 1 || (t.lex[s] & Lexicon.NAME) == 0)) {
          sc = 0.8;
        }
        if (common > 0 && words == 1 && (t.shape[s] & Text.ALL_CAPS) == 0) {
          sc -= 0.25;
        }
        if (cx.location) {
          sc += 0.3;
        } else if (cx.locationWeak) {
          sc += 0.15;
        }
        if (cx.personStrong) {
          sc -= 0.3;
        } else if (cx.person) {
          sc -= 0.1;
        }
        out.add(EntityTypes.LOCATION, start, end, sc, false);
      } else if (words >= 2 && place > 0) {
        placeInside(s, e, cx);
      }

      // Persons.
      double p = personScore(words, first, last, ambiguous, unknown, common, initials, place, sentenceStart, allCaps,
          s, e);
      if (unknown > 0) {
        double shape = shapeSum / unknown;
        if (shape < -0.9) {
          p -= 0.2;
        } else if (shape < -0.5) {
          p -= 0.1;
        } else if (shape > 0.3) {
          p += 0.05;
        }
      }
      if (cx.personStrong) {
        p = Math.max(p + 0.4, 0.6);
      } else if (cx.personHuman) {
        p += 0.25;
      } else if (cx.person) {
        p += 0.15;
      }
      if (cx.possessive) {
        p += 0.1;
      }
      if (cx.speaker) {
        p += 0.35;
      }
      if (cx.location && !cx.person && !cx.personStrong && !cx.personHuman) {
        p -= 0.2;
      }
      if (wholePlace && (cx.locationWeak || cx.location) && !cx.personStrong && !cx.personHuman) {
        p -= 0.15; // "from Madrid": after "from" or "in", a known place reads as a place
      }
      if ((cx.org || cx.orgLabel) && !cx.person && !cx.personStrong && !cx.personHuman) {
        p -= 0.15;
      }
      if (streetLike) {
        p -= 0.35;
      } else if (streetLikeName) {
        p -= 0.2; // "Pinto Hill" is more often a street than a person
      }
      if (e - s >= 2 && (t.shape[e - 1] & Text.ALL_CAPS) != 0 && t.length(e - 1) <= 3 && words >= 2) {
        p -= 0.2; // "Fuse TV", "Acme UK"
      }
      if (cx.work) {
        p -= 0.3; // "Zoolander is a 1996 film"
      }
      if (numbered) {
        p -= 0.4;
      }
      if (p > 0.05) {
        out.add(EntityTypes.PERSON, start, end, p, false);
        if (p >= 0.6) {
          lastPersonEnd = end;
        }
      }

      // A known name where the text speaks of a place: "moved here from Kenosha".
      if (cx.location && !wholePlace && !cx.person && !cx.personStrong && !cx.personHuman && !cx.possessive && words <= 2
          && unknown < words) {
        out.add(EntityTypes.LOCATION, start, end, words == 1 ? 0.6 : 0.5, false);
      }

      // Capitalized common words where an organization is expected: "I work for Chemical Abstracts Service".
      if (unknown == 0 && common == words && words <= 4 && (cx.org || cx.orgLabel) && !sentenceStart) {
        out.add(EntityTypes.ORGANIZATION, start, end, 0.6, false);
      }

      // Unknown capitalized words: a place or an organization when the context says so.
      if (unknown + common == words && unknown > 0 && words <= 4 && !wholePlace && !streetLike) {
        double base = sentenceStart ? 0.25 : 0.4;
        double loc = base + (cx.location ? 0.3 : cx.locationWeak ? 0.1 : 0) + (cx.placeLabel ? 0.3 : 0);
        double org = base + (cx.org ? 0.3 : cx.orgWeak ? 0.1 : 0) + (cx.orgLabel ? 0.3 : 0);
        if (common > 0) {
          loc -= 0.1;
          org -= 0.05;
        }
        out.add(EntityTypes.LOCATION, start, end, loc, false);
        out.add(EntityTypes.ORGANIZATION, start, end, org, false);
      }
    }

    /** Whether word token {@code k} is an inflected form of a common word ("musicians", "singing"). */
    boolean inflectedCommon(int k) {
      if ((t.shape[k] & Text.NON_ASCII) != 0) {
        return inflectedCommon(t.lower[k]);
      }
      // ASCII: the stems are looked up in the text's own chars (the look-up lower-cases them), so no
      // string is built; a stem with a letter added goes through a small buffer
      int from = t.start[k];
      int n = t.length(k);
      if (n < 5) {
        return false;
      }
      String w = t.lower[k];
      if (w.endsWith("ies")) {
        return commonWithEnding(from, n - 3, 'y');
      } else if (w.endsWith("es")) {
        return commonStem(from, n - 1) || commonStem(from, n - 2);
      } else if (w.endsWith("s") && !w.endsWith("ss")) {
        return commonStem(from, n - 1);
      } else if (w.endsWith("ed")) {
        return commonStem(from, n - 1) || commonStem(from, n - 2);
      } else if (w.endsWith("ing")) {
        return commonStem(from, n - 3) || commonWithEnding(from, n - 3, 'e');
      } else if (w.endsWith("ly")) {
        return commonStem(from, n - 2);
      }
      return false;
    }

    /** The first {@code len} chars of the word at {@code from} are a common word and no name. */
    private boolean commonStem(int from, int len) {
      return commonFlags(t.lexicon.asciiFlags(t.chars, from, from + len));
    }

    /** As {@link #commonStem} with {@code last} appended. */
    private boolean commonWithEnding(int from, int len, char last) {
      if (stem == null || stem.length < len + 1) {
        stem = new char[Math.max(16, len + 1)];
      }
      System.arraycopy(t.chars, from, stem, 0, len);
      stem[len] = last;
      return commonFlags(t.lexicon.asciiFlags(stem, 0, len + 1));
    }

    private static boolean commonFlags(int f) {
      return (f & Lexicon.COMMON) != 0 && (f & Lexicon.NAME) == 0;
    }

    /** An inflected form of a common word: "musicians", "hobbits", "remembered", "singing". */
    boolean inflectedCommon(String w) {
      int n = w.length();
      if (n < 5) {
        return false;
      }
      String[] stems;
      if (w.endsWith("ies")) {
        stems = new String[] {w.substring(0, n - 3) + "y"};
      } else if (w.endsWith("es")) {
        stems = new String[] {w.substring(0, n - 1), w.substring(0, n - 2)};
      } else if (w.endsWith("s") && !w.endsWith("ss")) {
        stems = new String[] {w.substring(0, n - 1)};
      } else if (w.endsWith("ed")) {
        stems = new String[] {w.substring(0, n - 1), w.substring(0, n - 2)};
      } else if (w.endsWith("ing")) {
        stems = new String[] {w.substring(0, n - 3), w.substring(0, n - 3) + "e"};
      } else if (w.endsWith("ly")) {
        stems = new String[] {w.substring(0, n - 2)};
      } else {
        return false;
      }
      for (String stem : stems) {
        if (commonFlags(t.lexicon.flags(stem, Lexicon.isAscii(stem)))) {
          return true;
        }
      }
      return false;
    }

    double personScore(int words, int first, int last, int ambiguous, int unknown, int common, int initials,
        int place, boolean sentenceStart, int allCaps, int s, int e) {
      double p;
      int names = first + last;
      boolean firstIsFirst = (t.lex[s] & Lexicon.FIRST) != 0;
      if (words == 1) {
        int k = s;
        while (k < e && (t.kind[k] != Text.WORD || (t.shape[k] & Text.SINGLE) != 0)) {
          k++;
        }
        int f = k < e ? t.lex[k] : 0;
        if ((f & Lexicon.NAME) != 0 && (f & Lexicon.COMMON) == 0) {
          p = (f & Lexicon.PLACE) != 0 ? 0.45 : 0.6;
          if (initials > 0) {
            p += 0.25;
          }
        } else if ((f & Lexicon.NAME) != 0) {
          p = 0.25;
        } else if (unknown == 1) {
          p = sentenceStart ? 0.35 : 0.5;
          if (initials > 0) {
            p += 0.25;
          }
        } else {
          p = 0.05;
        }
        if (allCaps == 1 && (f & Lexicon.NAME) == 0) {
          p -= 0.25;
        }
        if (k < e && t.length(k) <= 2) {
          p -= 0.3;
        }
        return p;
      }
      if (common > 0 && common * 2 >= words) {
        return names > 0 ? 0.3 : 0.1;
      }
      if (ambiguous == words && (t.lex[s] & Lexicon.HONORIFIC) != 0) {
        return 0.3; // "Princess Royal", "King Charles Street"
      }
      if (names >= 2 || (names >= 1 && firstIsFirst && (unknown + ambiguous + names) == words)) {
        p = 0.85;
      } else if (names + ambiguous >= 2) {
        p = 0.7;
      } else if (names == 1 && unknown >= 1) {
        p = 0.75;
      } else if (ambiguous >= 1 && unknown >= 1) {
        p = 0.6;
      } else if (unknown == words) {
        p = words <= 3 ? 0.55 : 0.3;
      } else {
        p = 0.4;
      }
      if (initials > 0) {
        p += 0.1;
      }
      if (common > 0) {
        p -= 0.2;
      }
      if (place > 0 && names == 0) {
        p -= 0.15;
      }
      if (words > 4) {
        p -= 0.2;
      }
      if (allCaps == words && names < 2) {
        p -= 0.15;
      }
      return p;
    }

    void placeInside(int s, int e, Context cx) {
      for (int k = s; k < e; k++) {
        if (t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.PLACE) != 0 && (t.lex[k] & Lexicon.NAME) == 0
            && (t.lex[k] & Lexicon.COMMON) == 0) {
          out.add(EntityTypes.LOCATION, t.start[k], t.end[k], 0.4 + (cx.location ? 0.2 : 0), false);
        }
      }
    }

    // ---- "Smith, Jones and Brown": organizations named after partners -----------------------------------

    /**
     * "Henderson, Hicks and Brown" (three surnames) is a firm when an organization word follows, the text
     * says it is a company, or it stands on a line of its own; returns the token after it, or -1.
     */
    int orgList(int a, int b) {
      if (b != a + 1 || !surnameLike(a) || !t.isPunct(b, ',') || !surnameLike(b + 1) || t.attached(b + 1)) {
        return -1;
      }
      int k = b + 2;
      if (!(t.lowerIs(k, "and") || t.isPunct(k, '&')) || !surnameLike(k + 1)) {
        return -1;
      }
      int end = k + 2;
      boolean orgAfter = end < t.n && (t.lex[end] & (Lexicon.ORG_WORD | Lexicon.ORG_SUFFIX)) != 0 && nameWord(end);
      boolean ownLine = (t.shape[a] & Text.NEWLINE_BEFORE) != 0 || isLinePrefix(a);
      ownLine = ownLine && (end >= t.n || (t.shape[end] & Text.NEWLINE_BEFORE) != 0);
      Context cx = new Context(a, a + 1);
      if (orgAfter || (!ownLine && !cx.org && !cx.orgLabel)) {
        return -1;
      }
      out.add(EntityTypes.ORGANIZATION, t.start[a], t.end[end - 1], 0.8, false);
      return end;
    }

    boolean surnameLike(int k) {
      return k < t.n && t.kind[k] == Text.WORD && nameWord(k) && (t.lex[k] & (Lexicon.FUNCTION | Lexicon.FIRST)) == 0
          || (k < t.n && t.kind[k] == Text.WORD && nameWord(k) && (t.lex[k] & Lexicon.LAST) != 0);
    }

    /** Whether only quote marks or bullets precede token {@code k} on its line ("> Acme Ltd"). */
    boolean isLinePrefix(int k) {
      int p = k - 1;
      while (p >= 0 && p >= k - 4 && t.kind[p] == Text.PUNCT && (t.shape[p + 1] & Text.NEWLINE_BEFORE) == 0) {
        p--;
      }
      return p < k - 1 && (t.shape[p + 1] & Text.NEWLINE_BEFORE) != 0;
    }

    // ---- context ----------------------------------------------------------------------------------------

    /** What the words around a chunk say about it. */
    final class Context {
      boolean person;
      boolean personHuman;
      boolean personStrong;
      boolean possessive;
      boolean speaker;
      boolean location;
      boolean locationWeak;
      boolean placeLabel;
      boolean org;
      boolean orgWeak;
      boolean orgLabel;
      /** The name is a work's title: "X is a film", "X is a song". */
      boolean work;

      Context(int s, int e) {
        int p = s - 1;
        String prev = p >= 0 && t.kind[p] == Text.WORD ? t.lower[p] : null;
        String prev2 = p - 1 >= 0 && t.kind[p - 1] == Text.WORD ? t.lower[p - 1] : null;
        String prev3 = p - 2 >= 0 && t.kind[p - 2] == Text.WORD ? t.lower[p - 2] : null;
        boolean sameLine = p >= 0 && (t.shape[s] & Text.NEWLINE_BEFORE) == 0;
        if (prev != null && sameLine) {
          int cue = cues(prev);
          if ((cue & CUE_PERSON_BEFORE_STRONG) != 0) {
            personStrong = true;
          } else if ((cue & CUE_PERSON_BEFORE) != 0) {
            person = true;
          }
          if (("is".equals(prev) || "was".equals(prev)) && "name".equals(prev2)) {
            personStrong = true;
          }
          if (("am".equals(prev) && "i".equals(prev2)) || ("is".equals(prev) && "this".equals(prev2))
              || ("m".equals(prev) && "i".equals(prev3)) || ("me".equals(prev) && ("call".equals(prev2)
              || "calls".equals(prev2))) || ("by".equals(prev) && ("directed".equals(prev2) || "written".equals(prev2)
              || "produced".equals(prev2) || "sung".equals(prev2) || "performed".equals(prev2)))) {
            personStrong = true;
          }
          if ((cue & CUE_LOCATION_BEFORE_STRONG) != 0 && !"in".equals(prev)
              || ("in".equals(prev) && in(BEFORE_IN_PLACE, prev2)) || ("to".equals(prev) && in(BEFORE_TO_PLACE, prev2))
              || ("of".equals(prev) && in(BEFORE_OF_PLACE, prev2))
              || ("from".equals(prev) && in(BEFORE_FROM_PLACE, prev2))) {
            location = true;
          } else if ((cue & CUE_LOCATION_BEFORE) != 0) {
            locationWeak = true;
          }
          if (location && !personStrong) {
            person = false; // "flew to X": the place reading wins over the weak "to X"
          }
          if ((cue & CUE_ORG_BEFORE) != 0) {
            orgWeak = true;
            if ((cues(prev2) & CUE_WORK) != 0 || ((cues(prev3) & CUE_WORK) != 0
                && ("at".equals(prev) || "for".equals(prev)))) {
              org = true;
            }
            if (ORG_RIGHT_BEFORE.contains(prev)) {
              org = true;
            }
          }
        }
        // labels: "Name: ...", "Company: ...", "City: ..."
        if (p >= 0 && t.isPunct(p, ':') && sameLine && p - 1 >= 0 && t.kind[p - 1] == Text.WORD) {
          int label = cues(t.lower[p - 1]);
          if ((label & CUE_PERSON_LABEL) != 0) {
            personStrong = true;
          } else if ((label & CUE_ORG_LABEL) != 0) {
            orgLabel = true;
          } else if ((label & CUE_PLACE_LABEL) != 0) {
            placeLabel = true;
          }
        }
        // "What's your name? Shintarou Hamaguchi"; "User: Beatrix Veres"
        if (p >= 0 && t.isPunct(p, '?') && p - 1 >= 0 && "name".equals(t.lower[p - 1])) {
          personStrong = true;
        }
        // "Muslija and Brown", "Anna, Bo and Cy": coordination with a person just before
        if (lastPersonEnd >= 0 && p >= 0 && lastPersonEnd <= t.start[s]) {
          if (coordination(lastPersonEnd, t.start[s])) {
            personHuman = true;
          }
        }
        // "Nekolná and Pearson": a known name right after "and"
        if (e + 1 < t.n && (t.lowerIs(e, "and") || t.isPunct(e, '&')) && nameWord(e + 1)
            && (t.lex[e + 1] & Lexicon.NAME) != 0 && (t.lex[e + 1] & Lexicon.COMMON) == 0
            && !t.isPunct(e + 2, ',')) {
          personHuman = true;
        }
        // "Vide, can I please speak to your boss?": a name addressed at the start of a sentence
        if ((t.shape[s] & Text.SENTENCE_START) != 0 && t.isPunct(e, ',') && e + 1 < t.n && t.kind[e + 1] == Text.WORD
            && (t.lowerIs(e + 1, "can") || t.lowerIs(e + 1, "could") || t.lowerIs(e + 1, "would")
            || t.lowerIs(e + 1, "will") || t.lowerIs(e + 1, "please") || t.lowerIs(e + 1, "do")
            || t.lowerIs(e + 1, "did") || t.lowerIs(e + 1, "are") || t.lowerIs(e + 1, "have") || t.lowerIs(e + 1, "i")
            || t.lowerIs(e + 1, "you") || t.lowerIs(e + 1, "we") || t.lowerIs(e + 1, "thanks") || t.lowerIs(e + 1, "thank"))) {
          personHuman = true;
        }
        // after the chunk
        int n = e;
        if (n < t.n && (t.isPunct(n, '\'') || t.isPunct(n, '’')) && t.attached(n) && (t.lowerIs(n + 1, "s")
            && t.attached(n + 1) || n + 1 >= t.n || !t.attached(n + 1))) {
          possessive = true;
          n += t.lowerIs(n + 1, "s") ? 2 : 1;
        }
        String next = n < t.n && t.kind[n] == Text.WORD && (t.shape[n] & Text.NEWLINE_BEFORE) == 0 ? t.lower[n] : null;
        if (next != null) {
          int cue = cues(next);
          if ((cue & CUE_PERSON_AFTER_STRONG) != 0) {
            personStrong = true;
          } else if ((cue & CUE_PERSON_AFTER_HUMAN) != 0 && !possessive) {
            personHuman = true;
          } else if ((cue & CUE_PERSON_AFTER) != 0 && !possessive) {
            person = true;
          }
        }
        if (n < t.n && t.isPunct(n, ',') && n + 1 < t.n && t.kind[n + 1] == Text.WORD) {
          String after = t.lower[n + 1];
          if (("the".equals(after) || "a".equals(after) || "an".equals(after) || "our".equals(after)
              || "my".equals(after)) && n + 2 < t.n && (t.lex[n + 2] & (Lexicon.JOB | Lexicon.JOB_MODIFIER)) != 0) {
            personStrong = true;
          }
          if ("who".equals(after) || "aged".equals(after) || "age".equals(after)) {
            personStrong = true;
          }
          if ("inc".equals(after) || "llc".equals(after) || "ltd".equals(after)) {
            org = true;
          }
        }
        // vocative: "Don't go to town, Mark!"
        if (p >= 0 && t.isPunct(p, ',') && (n >= t.n || t.isPunct(n, '!') || t.isPunct(n, '?')
            || (t.isPunct(n, '.') && n + 1 >= t.n))) {
          person = true;
        }
        // speaker labels: "Anna: see you soon" at the start of a line
        if (((t.shape[s] & Text.NEWLINE_BEFORE) != 0 || isLinePrefix(s)) && e < t.n && t.isPunct(e, ':') && e - s <= 3
            && !SPEAKER_EXCLUDED.contains(t.lower[s]) && (t.lex[s] & Lexicon.LABEL) == 0) {
          speaker = true;
        }
        if ("is".equals(next) || "was".equals(next)) {
          String n2 = n + 1 < t.n ? t.lower[n + 1] : null;
          if ("a".equals(n2) || "an".equals(n2)) {
            int m3 = n + 2;
            // "is a 1996 Scottish action-comedy film": look past a year and adjectives to the noun
            int limit = Math.min(t.n, n + 8);
            while (m3 < limit && (t.kind[m3] == Text.NUM || t.isPunct(m3, '-') || (t.kind[m3] == Text.WORD
                && m3 + 1 < limit && (t.isPunct(m3 + 1, '-') || (t.lex[m3] & Lexicon.NRP) != 0
                || t.lowerIs(m3 + 1, "film") || t.lowerIs(m3 + 1, "song") || t.lowerIs(m3 + 1, "movie"))))) {
              m3++;
            }
            String n3 = m3 < t.n ? t.lower[m3] : null;
            if (in(IS_A_ORG, n3) || in(IS_A_WORK, n3)) {
              org = !IS_A_WORK.contains(n3);
              work = !org;
              person = false;
              personStrong = false;
            }
            if (in(IS_A_PLACE, n3)) {
              location = true;
              person = false;
            }
          }
        }
        if ("is".equals(next) && n + 1 < t.n && "hiring".equals(t.lower[n + 1])) {
          org = true;
        }
        if (in(ORG_RIGHT_AFTER, next)) {
          org = true;
        }
        // "spent a year at Acme as the assistant": at X followed by a role
        if ("at".equals(prev) && next != null && next.equals("as")) {
          org = true;
        }
        // "X is the brainchild of", "X is a 501(c)3"
        if (("is".equals(next) || "was".equals(next)) && n + 2 < t.n && t.lowerIs(n + 1, "the")
            && (t.lowerIs(n + 2, "brainchild") || t.lowerIs(n + 2, "company") || t.lowerIs(n + 2, "maker")
            || t.lowerIs(n + 2, "developer") || t.lowerIs(n + 2, "manufacturer") || t.lowerIs(n + 2, "publisher"))) {
          org = true;
        }
      }
    }

    /**
     * Whether the text between a person name ending at {@code from} and a chunk starting at {@code to} is only
     * "and", ",", "&", "or" or ", and", give or take white space. Read in place: the gap can be long.
     */
    boolean coordination(int from, int to) {
      String s = t.s;
      while (from < to && Character.isWhitespace(s.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
        to--;
      }
      int len = to - from;
      if (len == 1) {
        char c = s.charAt(from);
        return c == ',' || c == '&';
      }
      return (len == 2 || len == 3 || len == 5) && (s.startsWith("and", from) && len == 3
          || s.startsWith("or", from) && len == 2 || s.startsWith(", and", from) && len == 5);
    }

    // ---- lower-case names -----------------------------------------------------------------------------

    /** "my name is borna jerković", "call me borna": lower-case names where the context is clear. */
    int lowerName(int i) {
      int f = t.lex[i];
      if ((f & Lexicon.FUNCTION) != 0 || t.length(i) < 2 || i == 0 || t.kind[i - 1] != Text.WORD) {
        return -1;
      }
      int p = i - 1;
      boolean cue = false;
      if (p >= 0 && t.kind[p] == Text.WORD) {
        String prev = t.lower[p];
        String prev2 = p > 0 ? t.lower[p - 1] : null;
        cue = ("is".equals(prev) && "name".equals(prev2)) || ("me".equals(prev) && ("call".equals(prev2)
            || "calls".equals(prev2))) || "named".equals(prev) || "dear".equals(prev);
      }
      if (!cue) {
        return -1;
      }
      int k = i + 1;
      int parts = 1;
      while (k < t.n && parts < 4 && t.kind[k] == Text.WORD && !t.attached(k) && (t.shape[k] & Text.LOWER) != 0
          && (t.shape[k] & Text.NEWLINE_BEFORE) == 0) {
        int g = t.lex[k];
        boolean namePart = ((g & Lexicon.NAME) != 0 && (g & Lexicon.COMMON) == 0)
            || ((g & (Lexicon.COMMON | Lexicon.FUNCTION)) == 0 && t.length(k) >= 3) || (t.shape[k] & Text.SINGLE) != 0;
        if (!namePart) {
          break;
        }
        k++;
        parts++;
      }
      out.add(EntityTypes.PERSON, t.start[i], t.end[k - 1], (f & Lexicon.COMMON) != 0 ? 0.6 : 0.85, false);
      lastPersonEnd = t.end[k - 1];
      return k;
    }

    // ---- NRP ------------------------------------------------------------------------------------------

    void nrp(int a, int b) {
      for (int k = a; k < b; k++) {
        // "German place", "Polish film": an adjective before a lower-case noun, even when also a name
        boolean adjective = (t.shape[k] & Text.CAP) != 0 && k + 1 < t.n && t.kind[k + 1] == Text.WORD
            && (t.shape[k + 1] & Text.LOWER) != 0 && (t.lex[k + 1] & Lexicon.FUNCTION) == 0;
        if (t.kind[k] == Text.WORD && (t.lex[k] & Lexicon.NRP) != 0 && ((t.lex[k] & Lexicon.NAME) == 0 || adjective)) {
          boolean lower = (t.shape[k] & Text.LOWER) != 0;
          // "english" in lower case is still a nationality; "green" or "liberal" in lower case is not.
          if (lower && (t.lex[k] & Lexicon.COMMON) != 0) {
            continue;
          }
          out.add(EntityTypes.NRP, t.start[k], t.end[k], lower ? 0.55 : 0.7, false);
        }
      }
    }

    // ---- job titles -----------------------------------------------------------------------------------

    /**
     * Job titles where the text presents one: "works as a data analyst", "Marie, the Packager, said",
     * "Title: Staff development specialist", or a line of its own under a name.
     */
    /** A job word: from the lists, or an agent noun ("Fumigator", "Cinematographer") that is not a name. */
    boolean jobLike(int k) {
      if (k >= t.n || t.kind[k] != Text.WORD) {
        return false;
      }
      int f = t.lex[k];
      if ((f & Lexicon.JOB) != 0) {
        return true;
      }
      if ((f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.FUNCTION)) != 0 || t.length(k) < 7) {
        return false;
      }
      String w = t.lower[k];
      char lastChar = w.charAt(w.length() - 1);
      if (lastChar != 'r' && lastChar != 't' && lastChar != 'n' && lastChar != 'h') {
        return false;
      }
      return w.endsWith("grapher") || w.endsWith("ologist") || w.endsWith("ician") || w.endsWith("ator")
          || w.endsWith("ist") || w.endsWith("eer") || w.endsWith("smith") || w.endsWith("wright")
          || w.endsWith("keeper") || w.endsWith("maker") || w.endsWith("worker") || w.endsWith("manager")
          || w.endsWith("writer") || w.endsWith("builder") || w.endsWith("dresser") || w.endsWith("fighter")
          || w.endsWith("utor") || w.endsWith("ctor") || w.endsWith("visor") || w.endsWith("ician");
    }

    /** A line that is only a job title: "Dining room and cafeteria attendant", "Children's librarian". */
    boolean titleLine(int k) {
      int a = k;
      while (a > 0 && (t.shape[a] & Text.NEWLINE_BEFORE) == 0) {
        a--;
      }
      int b = k;
      while (b + 1 < t.n && (t.shape[b + 1] & Text.NEWLINE_BEFORE) == 0) {
        b++;
      }
      if (b != k || b - a > 10 || a == 0) {
        return false;
      }
      for (int x = a; x <= b; x++) {
        if (t.kind[x] == Text.NUM || (t.kind[x] == Text.PUNCT && !t.isPunct(x, ',') && !t.isPunct(x, '\'')
            && !t.isPunct(x, '’') && !t.isPunct(x, '-') && !t.isPunct(x, '&') && !t.isPunct(x, '/'))) {
          return false;
        }
      }
      out.add(EntityTypes.TITLE, t.start[a], t.end[b], 0.7, false);
      return true;
    }

    void jobTitle(int k) {
      if (!jobLike(k)) {
        return;
      }
      if (k + 1 >= t.n || (t.shape[k + 1] & Text.NEWLINE_BEFORE) != 0) {
        if (titleLine(k)) {
          return;
        }
      }
      int head = k;
      while (head + 1 < t.n && t.kind[head + 1] == Text.WORD && jobLike(head + 1)
          && (t.shape[head + 1] & Text.NEWLINE_BEFORE) == 0) {
        head++;
      }
      if (head + 1 < t.n && t.kind[head + 1] == Text.WORD && (t.lex[head + 1] & Lexicon.FUNCTION) == 0
          && (t.shape[head + 1] & Text.NEWLINE_BEFORE) == 0 && !jobLike(head + 1)
          && (t.shape[head + 1] & Text.CAP) == 0) {
        return; // "data analyst team": the job word is a modifier here
      }
      int a = k;
      int mods = 0;
      while (a - 1 >= 0 && mods < 3 && t.kind[a - 1] == Text.WORD && (t.lex[a - 1] & Lexicon.FUNCTION) == 0
          && (t.shape[a] & Text.NEWLINE_BEFORE) == 0 && (t.lex[a - 1] & (Lexicon.HONORIFIC | Lexicon.LABEL)) == 0
          && !t.attached(a) && !((t.lex[a - 1] & Lexicon.NAME) != 0 && (t.lex[a - 1] & Lexicon.COMMON) == 0)) {
        a--;
        mods++;
      }
      int p = a - 1;
      String prev = p >= 0 && t.kind[p] == Text.WORD ? t.lower[p] : null;
      String prev2 = p - 1 >= 0 && t.kind[p - 1] == Text.WORD ? t.lower[p - 1] : null;
      int after = head + 1;
      double score = 0;
      boolean ownLine = ((t.shape[a] & Text.NEWLINE_BEFORE) != 0 || isLinePrefix(a))
          && (after >= t.n || (t.shape[after] & Text.NEWLINE_BEFORE) != 0);
      if (ownLine && a > 0) {
        score = 0.7;
      } else if (p >= 0 && t.isPunct(p, ':') && p - 1 >= 0 && TITLE_LABELS.contains(t.lower[p - 1])) {
        score = 0.85;
      } else if ("as".equals(prev) || (("a".equals(prev) || "an".equals(prev)) && ("as".equals(prev2)
          || "am".equals(prev2) || "is".equals(prev2) || "was".equals(prev2) || "m".equals(prev2)
          || "work".equals(prev2) || "works".equals(prev2) || "worked".equals(prev2) || "be".equals(prev2)
          || "become".equals(prev2) || "became".equals(prev2)))) {
        score = 0.7;
        if ("as".equals(prev) && mods == 0 && (t.lex[k] & Lexicon.COMMON) != 0) {
          score = 0.5;
        }
      } else if ("the".equals(prev) && p - 1 >= 0 && t.isPunct(p - 1, ',') && after < t.n && t.isPunct(after, ',')) {
        score = 0.75;
      } else if (("our".equals(prev) || "your".equals(prev) || "my".equals(prev) || "his".equals(prev)
          || "her".equals(prev) || "their".equals(prev)) && after < t.n && nameWord(after)) {
        score = 0.6; // "our Senior Designer Anna Berg"
      } else if (after < t.n && t.isPunct(after, ',') && a > 1 && t.isPunct(a - 1, ',')) {
        score = 0.55; // "Anna Berg, senior designer, said"
      }
      if (score > 0) {
        out.add(EntityTypes.TITLE, t.start[a], t.end[head], score, false);
      }
    }
  }
}
