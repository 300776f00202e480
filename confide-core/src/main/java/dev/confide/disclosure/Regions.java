package dev.confide.disclosure;

import java.util.Locale;
import java.util.Set;

/**
 * Data regions and countries. A subject's region is {@code EU} (anywhere in the EU/EEA) or an ISO
 * 3166-1 alpha-2 country code; processors are placed by country code.
 */
public final class Regions {
  public static final String EU = "EU";

  /** The 27 EU member states plus Iceland, Liechtenstein and Norway (ISO codes: Greece is GR). */
  private static final Set<String> EEA = Set.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
      "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private Regions() {}

  /** Whether GDPR's transfer rules protect data of a subject in this region, or data stored in this country. */
  public static boolean isEea(String regionOrCountry) {
    return EU.equals(regionOrCountry) || EEA.contains(regionOrCountry);
  }

  /** The upper-case ISO 3166-1 alpha-2 code, or an IllegalArgumentException. */
  public static String country(String code) {
    String upper = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
    if (!COUNTRIES.contains(upper)) {
      throw new IllegalArgumentException("not an ISO 3166-1 alpha-2 country code: '" + code + "'");
    }
    return upper;
  }

  /** {@code EU} or a country code, upper case, or an IllegalArgumentException. */
  public static String region(String value) {
    String upper = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
    return EU.equals(upper) ? EU : country(upper);
  }
}
