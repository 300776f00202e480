package dev.confide.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.RegionMetadataSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phone numbers, validated with libphonenumber's metadata. A linear scan finds runs of digits and phone
 * punctuation holding 7 to 15 digits (plus an extension such as "x123"); each run is then checked against
 * libphonenumber's per-region data: country calling codes for "+" and "00" numbers, and for national
 * numbers the national prefix, the possible lengths and the national number pattern of the default
 * region first, then of other common regions. A number valid nowhere but formatted like a phone number
 * counts only with context ("phone", "call", "fax", ...).
 *
 * <p>libphonenumber's {@code findNumbers} gives the same answers (a test cross-checks them) but costs
 * 0.2-0.5 ms per call, which would cap scanning far below the throughput target; the region patterns
 * are compiled once here and matched against at most 15 digits, so each check is bounded and cheap.
 */
final class PhoneRecognizer implements Recognizer {
  private static final int MAX_RUN = 40;

  /** What this recognizer needs of one region's metadata. */
  private record Region(String code, int countryCode, String nationalPrefix, Set<Integer> lengths, Pattern pattern) {
    /** Whether {@code nsn} (national significant number) is valid here. */
    boolean valid(String nsn) {
      return lengths.contains(nsn.length()) && pattern.matcher(nsn).matches();
    }

    /** Whether national {@code digits} (as dialled inside the country) form a valid number here. */
    boolean validNational(String digits) {
      if (nationalPrefix != null && !nationalPrefix.isEmpty() && digits.startsWith(nationalPrefix)
          && valid(digits.substring(nationalPrefix.length()))) {
        return true;
      }
      return valid(digits);
    }
  }

  private final Region defaultRegion;
  private final List<Region> otherRegions;
  private final Map<Integer, List<Region>> byCountryCode;

  PhoneRecognizer(String defaultRegion, List<String> otherRegions) {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    RegionMetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    Map<Integer, List<Region>> byCode = new HashMap<>();
    for (String code : util.getSupportedRegions()) {
      Region r = region(source, code);
      if (r != null) {
        byCode.computeIfAbsent(r.countryCode(), k -> new ArrayList<>()).add(r);
      }
    }
    this.byCountryCode = Map.copyOf(byCode);
    this.defaultRegion = region(source, defaultRegion);
    if (this.defaultRegion == null) {
      throw new IllegalArgumentException("unknown phone region " + defaultRegion);
    }
    Set<String> others = new LinkedHashSet<>(otherRegions);
    others.remove(defaultRegion);
    List<Region> list = new ArrayList<>();
    for (String code : others) {
      Region r = region(source, code);
      if (r != null) {
        list.add(r);
      }
    }
    this.otherRegions = List.copyOf(list);
  }

  private static Region region(RegionMetadataSource source, String code) {
    PhoneMetadata m;
    try {
      m = source.getMetadataForRegion(code);
    } catch (RuntimeException e) {
      return null;
    }
    if (m == null || !m.hasGeneralDesc() || m.getGeneralDesc().getNationalNumberPattern().isEmpty()) {
      return null;
    }
    Set<Integer> lengths = new java.util.HashSet<>(m.getGeneralDesc().getPossibleLengthList());
    return new Region(code, m.getCountryCode(), m.hasNationalPrefix() ? m.getNationalPrefix() : null, Set.copyOf(lengths),
        Pattern.compile(m.getGeneralDesc().getNationalNumberPattern()));
  }

  @Override
  public void scan(Text text, Candidates out) {
    if (text.numbers == 0) {
      return; // every candidate starts at a digit run
    }
    String s = text.s;
    int len = s.length();
    int done = 0;
    for (int tok = 0; tok < text.n; tok++) {
      if (text.start[tok] < done || (text.kind[tok] != Text.NUM && !text.isPunct(tok, '+') && !text.isPunct(tok, '('))) {
        continue;
      }
      int i = text.start[tok];
      char c = s.charAt(i);
      boolean startChar = Chars.digit(c) || ((c == '+' || c == '(') && Chars.digitAt(s, i + 1))
          || (c == '(' && Chars.at(s, i + 1) == '+');
      if (!startChar || (i > 0 && (Chars.alnum(s.charAt(i - 1)) || s.charAt(i - 1) == '.' || s.charAt(i - 1) == '/'
          || s.charAt(i - 1) == '-' || s.charAt(i - 1) == ':' || s.charAt(i - 1) == '+' || s.charAt(i - 1) == '#'))) {
        continue;
      }
      int j = i;
      int digits = 0;
      while (j < len) {
        char d = s.charAt(j);
        if (Chars.digit(d)) {
          digits++;
        } else if (d == ' ' || d == '\u00a0') {
          char next = Chars.at(s, j + 1);
          if (!(Chars.digit(next) || next == '(' || next == '+')) {
            break;
          }
        } else if (!(d == '-' || d == '.' || d == '(' || d == ')' || d == '/' || (d == '+' && j == i)
            || (d >= '\u2010' && d <= '\u2015'))) {
          break;
        }
        j++;
        if (j - i > MAX_RUN) {
          break;
        }
      }
      if (j - i > MAX_RUN) {
        // Too long for one phone number: skip the rest of the run.
        while (j < len && (Chars.digit(s.charAt(j)) || " -.()/".indexOf(s.charAt(j)) >= 0)) {
          j++;
        }
        done = j;
        continue;
      }
      int end = j;
      while (end > i && !Chars.digit(s.charAt(end - 1)) && s.charAt(end - 1) != ')') {
        end--;
      }
      if (end > i && s.charAt(end - 1) == ')' && count(s, i, end, '(') < count(s, i, end, ')')) {
        end--;
      }
      boolean extensionNext = (Chars.at(s, j) == 'x' || Chars.at(s, j) == 'X') && Chars.digitAt(s, j + 1);
      if (digits >= 7 && digits <= 15 && (extensionNext || !(Chars.alnumAt(s, j) && Chars.digit(s.charAt(j - 1))))) {
        check(text, i, end, extension(s, end), out);
      }
      done = Math.max(j, i + 1);
    }
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

  /** The end of an extension ("x123", " ext. 45") right after a number, or {@code end} when none. */
  private static int extension(String s, int end) {
    int k = end;
    if (Chars.at(s, k) == ' ') {
      k++;
    }
    if (Chars.at(s, k) == 'x' || Chars.at(s, k) == 'X') {
      k++;
    } else if (Chars.regionMatchesIgnoreCase(s, k, "ext")) {
      k += 3;
      if (Chars.at(s, k) == '.') {
        k++;
      }
      if (Chars.at(s, k) == ' ') {
        k++;
      }
    } else {
      return end;
    }
    int d = k;
    while (d < s.length() && d - k < 6 && Chars.digit(s.charAt(d))) {
      d++;
    }
    return d > k && !Chars.alnumAt(s, d) ? d : end;
  }

  private void check(Text text, int from, int end, int extEnd, Candidates out) {
    String s = text.s;
    if (looksLikeDate(s, from, end) || looksLikeDecimal(s, from, end)) {
      return;
    }
    boolean plus = s.charAt(from) == '+' || (s.charAt(from) == '(' && Chars.at(s, from + 1) == '+');
    boolean formatted = false;
    StringBuilder d = new StringBuilder(16);
    int trunkAt = -1;
    for (int k = from; k < end; k++) {
      char c = s.charAt(k);
      if (Chars.digit(c)) {
        d.append(c);
      } else if (c != '+') {
        formatted = true;
        // "+46 (0)8 ...": the "(0)" is the national trunk prefix, dropped when dialling from abroad
        if (c == '(' && Chars.at(s, k + 1) == '0' && Chars.at(s, k + 2) == ')') {
          trunkAt = d.length();
        }
      }
    }
    String digits = d.toString();
    double score;
    if (plus || (digits.startsWith("00") && digits.length() > 9)) {
      String intl = plus ? digits : digits.substring(2);
      if (trunkAt >= 0 && trunkAt < intl.length() + (plus ? 0 : 2)) {
        int at = plus ? trunkAt : trunkAt - 2;
        if (at >= 0 && at < intl.length() && intl.charAt(at) == '0') {
          intl = intl.substring(0, at) + intl.substring(at + 1);
        }
      }
      if (validInternational(intl)) {
        score = 0.75;
      } else if (plus && intl.length() >= 8) {
        score = 0.35;
      } else {
        return;
      }
    } else if (defaultRegion.validNational(digits)) {
      score = 0.7;
    } else if (validElsewhere(digits)) {
      score = 0.6;
    } else if (formatted && digits.length() >= 7) {
      score = 0.3;
    } else {
      return;
    }
    if (!formatted && !plus) {
      score -= 0.15;
    }
    out.add(EntityTypes.PHONE_NUMBER, from, extEnd, score);
  }

  /** Digits after "+": a country calling code of 1 to 3 digits and a number valid in one of its regions. */
  private boolean validInternational(String digits) {
    for (int cc = 1; cc <= 3 && cc < digits.length(); cc++) {
      List<Region> regions = byCountryCode.get(Integer.parseInt(digits.substring(0, cc)));
      if (regions == null) {
        continue;
      }
      String nsn = digits.substring(cc);
      for (Region r : regions) {
        if (r.valid(nsn)) {
          return true;
        }
      }
      return false; // calling codes are prefix-free
    }
    return false;
  }

  private boolean validElsewhere(String digits) {
    for (Region r : otherRegions) {
      if (r.validNational(digits)) {
        return true;
      }
    }
    return false;
  }

  /** 2020-01-31, 31/01/2020, 1.2.2020 and the like are dates, not phone numbers. */
  private static boolean looksLikeDate(String s, int from, int to) {
    int groups = 0;
    int[] len = new int[4];
    char sep = 0;
    int k = from;
    while (k < to && groups < 4) {
      int g = k;
      while (k < to && Chars.digit(s.charAt(k))) {
        k++;
      }
      len[groups++] = k - g;
      if (k < to) {
        char c = s.charAt(k);
        if (sep == 0) {
          sep = c;
        } else if (c != sep) {
          return false;
        }
        k++;
      }
    }
    if (groups != 3 || k < to || (sep != '-' && sep != '/' && sep != '.')) {
      return false;
    }
    return (len[0] == 4 && len[1] <= 2 && len[2] <= 2) || (len[0] <= 2 && len[1] <= 2 && (len[2] == 4 || len[2] == 2));
  }

  private static boolean looksLikeDecimal(String s, int from, int to) {
    int dots = 0;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c == '.') {
        dots++;
      } else if (!Chars.digit(c)) {
        return false;
      }
    }
    return dots == 1;
  }
}
