package dev.confide.pii;

/** Check-digit and validity rules of structured identifiers. */
final class Checksums {
  private Checksums() {}

  /** Luhn (mod 10) over the ASCII digits of {@code digits}. */
  static boolean luhn(CharSequence digits) {
    int sum = 0;
    boolean dbl = false;
    int count = 0;
    for (int i = digits.length() - 1; i >= 0; i--) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
      count++;
    }
    return count > 0 && sum % 10 == 0;
  }

  /** Whether a card number's prefix and length belong to a known issuer. */
  static boolean cardIssuer(String d) {
    int len = d.length();
    if (len < 12 || len > 19) {
      return false;
    }
    int p1 = d.charAt(0) - '0';
    int p2 = Integer.parseInt(d.substring(0, 2));
    int p3 = Integer.parseInt(d.substring(0, 3));
    int p4 = Integer.parseInt(d.substring(0, 4));
    int p6 = Integer.parseInt(d.substring(0, 6));
    if (p1 == 4) {
      return len == 13 || len == 16 || len == 19; // Visa
    }
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
      return len == 16; // Mastercard
    }
    if (p2 == 34 || p2 == 37) {
      return len == 15; // American Express
    }
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 || p4 == 3095) {
      return len >= 14 && len <= 19; // Diners Club
    }
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) {
      return len >= 16 && len <= 19; // Discover
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return len >= 16 && len <= 19; // JCB
    }
    if (p4 == 2131 || p4 == 1800) {
      return len == 15; // JCB (old)
    }
    if (p2 == 62 || p2 == 81) {
      return len >= 16 && len <= 19; // UnionPay
    }
    if (p2 == 50 || (p2 >= 56 && p2 <= 69)) {
      return len >= 12 && len <= 19; // Maestro
    }
    if (p4 >= 2200 && p4 <= 2204) {
      return len == 16; // Mir
    }
    return false;
  }

  /** IBAN lengths by country (ISO 13616 registry). */
  static int ibanLength(char a, char b) {
    return switch ("" + Character.toUpperCase(a) + Character.toUpperCase(b)) {
      case "AL" -> 28; case "AD" -> 24; case "AT" -> 20; case "AZ" -> 28; case "BH" -> 22; case "BY" -> 28;
      case "BE" -> 16; case "BA" -> 20; case "BR" -> 29; case "BG" -> 22; case "BI" -> 27; case "CR" -> 22;
      case "HR" -> 21; case "CY" -> 28; case "CZ" -> 24; case "DK" -> 18; case "DJ" -> 27; case "DO" -> 28;
      case "EG" -> 29; case "SV" -> 28; case "EE" -> 20; case "FK" -> 18; case "FO" -> 18; case "FI" -> 18;
      case "FR" -> 27; case "GE" -> 22; case "DE" -> 22; case "GI" -> 23; case "GR" -> 27; case "GL" -> 18;
      case "GT" -> 28; case "HN" -> 28; case "HU" -> 28; case "IS" -> 26; case "IQ" -> 23; case "IE" -> 22;
      case "IL" -> 23; case "IT" -> 27; case "JO" -> 30; case "KZ" -> 20; case "XK" -> 20; case "KW" -> 30;
      case "LV" -> 21; case "LB" -> 28; case "LY" -> 25; case "LI" -> 21; case "LT" -> 20; case "LU" -> 20;
      case "MT" -> 31; case "MR" -> 27; case "MU" -> 30; case "MD" -> 24; case "MC" -> 27; case "MN" -> 20;
      case "ME" -> 22; case "NL" -> 18; case "NI" -> 28; case "MK" -> 19; case "NO" -> 15; case "OM" -> 23;
      case "PK" -> 24; case "PS" -> 29; case "PL" -> 28; case "PT" -> 25; case "QA" -> 29; case "RO" -> 24;
      case "RU" -> 33; case "LC" -> 32; case "SM" -> 27; case "ST" -> 25; case "SA" -> 24; case "RS" -> 22;
      case "SC" -> 31; case "SK" -> 24; case "SI" -> 19; case "SO" -> 23; case "ES" -> 24; case "SD" -> 18;
      case "SE" -> 24; case "CH" -> 21; case "TL" -> 23; case "TN" -> 24; case "TR" -> 26; case "UA" -> 29;
      case "AE" -> 23; case "GB" -> 22; case "VA" -> 22; case "VG" -> 24; case "YE" -> 30;
      default -> 0;
    };
  }

  /** ISO 7064 mod 97-10 over an IBAN's letters and digits (no separators). */
  static boolean ibanChecksum(CharSequence iban) {
    int len = iban.length();
    if (len < 15) {
      return false;
    }
    int rem = 0;
    for (int k = 0; k < len; k++) {
      char c = iban.charAt((k + 4) % len);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
        rem = (rem * 10 + v) % 97;
      } else {
        char u = Character.toUpperCase(c);
        if (u < 'A' || u > 'Z') {
          return false;
        }
        v = u - 'A' + 10;
        rem = (rem * 100 + v) % 97;
      }
    }
    return rem == 1;
  }

  /**
   * US Social Security number validity: area not 000, 666 or 900-999; group not 00; serial not 0000; and
   * not a number known to be published (advertising and test numbers).
   */
  static boolean ssn(int area, int group, int serial) {
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    if (area == 78 && group == 5 && serial == 1120) {
      return false; // the Woolworth wallet card number
    }
    if (area == 219 && group == 9 && serial == 9999) {
      return false; // Social Security Administration advertising
    }
    return !(area == 123 && group == 45 && serial == 6789);
  }
}
