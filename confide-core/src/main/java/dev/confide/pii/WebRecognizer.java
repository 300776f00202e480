package dev.confide.pii;

import java.util.Locale;
import java.util.Set;

/** URLs (with a scheme or starting {@code www.}) and bare domain names ending with a known top-level domain. */
final class WebRecognizer implements Recognizer {
  private static final int MAX_URL = 2048;
  private static final Set<String> SCHEMES = Set.of("http", "https", "ftp", "ftps", "sftp", "ws", "wss");
  /** Generic top-level domains common enough to trust on their own. */
  static final Set<String> GENERIC_TLDS = Set.of("com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io",
      "ai", "app", "dev", "co", "me", "tv", "xyz", "online", "site", "tech", "store", "cloud", "blog", "shop", "news",
      "email", "agency", "company", "design", "digital", "media", "network", "solutions", "services", "systems",
      "academy", "website", "space", "live", "life", "world", "today", "group", "global", "pro", "mobi", "name",
      "museum", "travel", "jobs", "aero", "coop", "asia", "tel", "page", "link", "club", "art", "health");
  /** Country-code TLDs (ISO 3166 two-letter codes plus uk, eu). */
  static final Set<String> COUNTRY_TLDS = Set.of(Vocabulary.words("""
      ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ca cc
      cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd
      ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg
      kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv
      mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa
      sb sc sd se sg sh si sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk
      us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
      """));
  /** Country TLDs that are also common file extensions ("main.py", "notes.md"). */
  private static final Set<String> FILE_LIKE_TLDS = Set.of("py", "md", "sh", "rs", "pl", "pm", "ps", "so", "cc", "js",
      "ts",
      "gz", "mk", "am", "in", "to", "is", "it", "at", "be", "me", "my", "no", "us", "do", "go", "as", "an",
      "ms", "ml", "bz", "cs", "hs", "jl", "kt", "lu", "mo", "nu", "ph", "sb", "st", "tk", "tm", "tf");

  @Override
  public void scan(Text text, Candidates out) {
    String s = text.s;
    char[] chars = text.chars;
    int len = chars.length;
    int domainFrom = 0;
    for (int i = 0; i < len; i++) {
      char c = chars[i];
      if (c != ':' && c != '.' && c != 'w' && c != 'W') {
        continue;
      }
      if (c == ':' && i + 2 < len && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
        int k = i;
        while (k > 0 && i - k < 6 && Chars.asciiLetter(s.charAt(k - 1))) {
          k--;
        }
        if (k < i && !Chars.alnumAt(s, k - 1) && SCHEMES.contains(s.substring(k, i).toLowerCase(Locale.ROOT))) {
          int end = urlEnd(s, i + 3);
          if (hostLooksValid(s, i + 3, end)) {
            out.add(EntityTypes.URL, k, end, 0.9, false);
            i = end - 1;
            domainFrom = end;
          }
        }
      } else if ((c == 'w' || c == 'W') && Chars.regionMatchesIgnoreCase(s, i, "www.") && !Chars.alnumAt(s, i - 1)
          && Chars.at(s, i - 1) != '/' && Chars.at(s, i - 1) != '.' && Chars.at(s, i - 1) != '@') {
        int end = urlEnd(s, i);
        if (hostLooksValid(s, i, end)) {
          out.add(EntityTypes.URL, i, end, 0.85, false);
          i = end - 1;
          domainFrom = end;
        }
      } else if (c == '.' && i >= domainFrom && i > 0 && Chars.alnumAt(s, i - 1) && Chars.asciiLetter(Chars.at(s, i + 1))) {
        int end = scanDomain(text, i, out);
        if (end > i) {
          i = end - 1;
          domainFrom = end;
        }
      }
    }
  }

  /** A bare domain around the dot at {@code dot}; returns where it ends, or -1. */
  private static int scanDomain(Text text, int dot, Candidates out) {
    String s = text.s;
    int a = dot;
    while (a > 0 && dot - a < 253 && isHostChar(s.charAt(a - 1))) {
      a--;
    }
    int b = dot + 1;
    while (b < s.length() && b - a < 253 && isHostChar(s.charAt(b))) {
      b++;
    }
    while (b > dot && (s.charAt(b - 1) == '.' || s.charAt(b - 1) == '-')) {
      b--;
    }
    while (a < dot && (s.charAt(a) == '.' || s.charAt(a) == '-')) {
      a++;
    }
    char before = Chars.at(s, a - 1);
    char after = Chars.at(s, b);
    if (before == '@' || after == '@' || before == '/' || before == '\\' || before == '_' || after == '_'
        || (after == '.' && Chars.alnumAt(s, b + 1))) {
      return -1;
    }
    if (!EmailRecognizer.validDomain(s, a, b)) {
      return -1;
    }
    int lastDot = s.lastIndexOf('.', b - 1);
    String tld = s.substring(lastDot + 1, b).toLowerCase(Locale.ROOT);
    boolean generic = GENERIC_TLDS.contains(tld);
    if (!generic && !COUNTRY_TLDS.contains(tld)) {
      return -1;
    }
    int firstDot = s.indexOf('.', a);
    if (firstDot - a < 2) {
      return -1; // "e.g", "U.S"
    }
    boolean hasLetter = false;
    for (int k = a; k < firstDot; k++) {
      if (Character.isLetter(s.charAt(k))) {
        hasLetter = true;
        break;
      }
    }
    if (!hasLetter) {
      return -1;
    }
    double score = generic ? 0.6 : 0.5;
    if (!generic && FILE_LIKE_TLDS.contains(tld)) {
      score = 0.3;
    }
    if (Chars.regionMatchesIgnoreCase(s, a, "www.")) {
      score = 0.85;
    }
    out.add(EntityTypes.DOMAIN_NAME, a, b, score);
    return b;
  }

  private static boolean isHostChar(char c) {
    return Chars.asciiAlnum(c) || c == '-' || c == '.';
  }

  /** The end of a URL starting at {@code from}: up to whitespace or a delimiter, trailing punctuation trimmed. */
  private static int urlEnd(String s, int from) {
    int j = from;
    int limit = Math.min(s.length(), from + MAX_URL);
    while (j < limit) {
      char c = s.charAt(j);
      if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\'
          || c == '^' || c == '«' || c == '»' || c == '“' || c == '”' || c == '‘' || c == '’' || Character.isWhitespace(c)
          || Character.isSpaceChar(c)) {
        break;
      }
      j++;
    }
    int open = 0;
    int close = 0;
    for (int k = from; k < j; k++) {
      char c = s.charAt(k);
      if (c == '(') {
        open++;
      } else if (c == ')') {
        close++;
      }
    }
    while (j > from) {
      char c = s.charAt(j - 1);
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*' || c == ']') {
        j--;
      } else if (c == ')' && close > open) {
        close--;
        j--;
      } else {
        break;
      }
    }
    return j;
  }

  private static boolean hostLooksValid(String s, int from, int end) {
    int h = from;
    int at = -1;
    while (h < end) {
      char c = s.charAt(h);
      if (c == '/' || c == '?' || c == '#') {
        break;
      }
      if (c == '@') {
        at = h;
      }
      h++;
    }
    int hostStart = at >= 0 ? at + 1 : from;
    int hostEnd = hostStart;
    while (hostEnd < h && s.charAt(hostEnd) != ':') {
      hostEnd++;
    }
    if (hostEnd - hostStart < 1) {
      return false;
    }
    if (hostEnd - hostStart == 9 && s.regionMatches(true, hostStart, "localhost", 0, 9)) {
      return true;
    }
    boolean dot = false;
    for (int k = hostStart; k < hostEnd; k++) {
      char c = s.charAt(k);
      if (c == '.') {
        dot = true;
      } else if (!Chars.alnum(c) && c != '-' && c != '[' && c != ']' && c != ':') {
        return false;
      }
    }
    return dot || s.charAt(hostStart) == '[';
  }
}
