package dev.confide.pii;

/** IPv4 addresses in dotted-quad form and IPv6 addresses (full, compressed, with an embedded IPv4 tail). */
final class IpRecognizer implements Recognizer {
  private static final int MAX_V6 = 45;

  @Override
  public void scan(Text text, Candidates out) {
    String s = text.s;
    int len = s.length();
    // IPv4: a number of 1-3 digits directly followed by a full stop and another number
    for (int tok = 0; tok + 2 < text.n; tok++) {
      if (text.kind[tok] != Text.NUM || text.length(tok) > 3 || !text.isPunct(tok + 1, '.') || !text.isNum(tok + 2)) {
        continue;
      }
      int i = text.start[tok];
      if (i > 0 && (Chars.alnum(s.charAt(i - 1)) || s.charAt(i - 1) == '.' || s.charAt(i - 1) == ':')) {
        continue;
      }
      int end = ipv4(s, i);
      if (end > 0) {
        out.add(EntityTypes.IP_ADDRESS, i, end, 0.85);
        tok = text.tokenAt(end) - 1;
      }
    }
    // IPv6: runs of hex digits, colons and dots around each colon
    int done = 0;
    int colon = s.indexOf(':');
    while (colon >= 0) {
      if (colon >= done) {
        int a = colon;
        while (a > 0 && colon - a <= MAX_V6 && isV6Char(s.charAt(a - 1))) {
          a--;
        }
        int b = colon + 1;
        while (b < len && b - a <= MAX_V6 && isV6Char(s.charAt(b))) {
          b++;
        }
        if (b - a > MAX_V6) {
          // Far too long for an address: skip the whole run so hostile input stays linear.
          while (b < len && isV6Char(s.charAt(b))) {
            b++;
          }
        } else if (!Chars.alnumAt(s, a - 1) && !Chars.alnumAt(s, b)) {
          int end = b;
          while (end > a && (s.charAt(end - 1) == '.' || (s.charAt(end - 1) == ':' && Chars.at(s, end - 2) != ':'))) {
            end--;
          }
          if (end > a && isIpv6(s, a, end)) {
            int groups = count(s, a, end, ':');
            out.add(EntityTypes.IP_ADDRESS, a, end, groups >= 3 ? 0.85 : 0.45);
          }
        }
        done = b;
      }
      colon = s.indexOf(':', Math.max(colon + 1, done));
    }
  }

  private static boolean isV6Char(char c) {
    return Chars.hex(c) || c == ':' || c == '.';
  }

  /** The end of a dotted quad starting at {@code i}, or -1. */
  static int ipv4(String s, int i) {
    int p = i;
    for (int part = 0; part < 4; part++) {
      int q = p;
      while (q < s.length() && q - p < 4 && Chars.digit(s.charAt(q))) {
        q++;
      }
      int digits = q - p;
      if (digits == 0 || digits > 3) {
        return -1;
      }
      int v = Chars.parse(s, p, q);
      if (v > 255 || (digits > 1 && s.charAt(p) == '0')) {
        return -1;
      }
      if (part < 3) {
        if (Chars.at(s, q) != '.') {
          return -1;
        }
        p = q + 1;
      } else {
        p = q;
      }
    }
    if (Chars.alnumAt(s, p) || (Chars.at(s, p) == '.' && Chars.digitAt(s, p + 1))) {
      return -1;
    }
    return p;
  }

  private static int count(String s, int from, int to, char c) {
    int n = 0;
    for (int k = from; k < to; k++) {
      if (s.charAt(k) == c) {
        n++;
      }
    }
    return n;
  }

  /** RFC 4291 text form: up to 8 groups of 1-4 hex digits, at most one "::", optional dotted-quad tail. */
  static boolean isIpv6(String s, int from, int to) {
    if (to - from < 2) {
      return false;
    }
    int groups = 0;
    boolean compressed = false;
    int k = from;
    if (s.charAt(k) == ':') {
      if (Chars.at(s, k + 1) != ':') {
        return false;
      }
      compressed = true;
      k += 2;
      if (k == to) {
        return true; // "::"
      }
    }
    while (k < to) {
      int g = k;
      while (k < to && Chars.hex(s.charAt(k))) {
        k++;
      }
      if (k < to && s.charAt(k) == '.') {
        // embedded IPv4 as the last 32 bits
        int end = ipv4(s.substring(0, to), g);
        if (end != to) {
          return false;
        }
        groups += 2;
        k = to;
        break;
      }
      int digits = k - g;
      if (digits == 0 || digits > 4) {
        return false;
      }
      groups++;
      if (k == to) {
        break;
      }
      if (s.charAt(k) != ':') {
        return false;
      }
      k++;
      if (k < to && s.charAt(k) == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        k++;
        if (k == to) {
          break;
        }
      } else if (k == to) {
        return false;
      }
    }
    return compressed ? groups <= 7 && groups >= 1 : groups == 8;
  }
}
