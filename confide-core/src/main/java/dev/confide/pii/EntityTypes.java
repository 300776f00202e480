package dev.confide.pii;

import java.util.Set;

/** Entity type names, the same as Microsoft Presidio's so datasets and tools line up. */
public final class EntityTypes {
  public static final String PERSON = "PERSON";
  public static final String EMAIL_ADDRESS = "EMAIL_ADDRESS";
  public static final String PHONE_NUMBER = "PHONE_NUMBER";
  public static final String CREDIT_CARD = "CREDIT_CARD";
  public static final String IBAN_CODE = "IBAN_CODE";
  public static final String US_SSN = "US_SSN";
  public static final String US_DRIVER_LICENSE = "US_DRIVER_LICENSE";
  public static final String IP_ADDRESS = "IP_ADDRESS";
  public static final String URL = "URL";
  public static final String DOMAIN_NAME = "DOMAIN_NAME";
  public static final String DATE_TIME = "DATE_TIME";
  public static final String AGE = "AGE";
  public static final String ZIP_CODE = "ZIP_CODE";
  public static final String STREET_ADDRESS = "STREET_ADDRESS";
  public static final String ORGANIZATION = "ORGANIZATION";
  /** Places: countries, regions, cities (Presidio's datasets also call this GPE). */
  public static final String LOCATION = "LOCATION";
  /** Nationality, religious or political group. */
  public static final String NRP = "NRP";
  /** Honorifics (Mr., Dr.) and job titles. */
  public static final String TITLE = "TITLE";

  /** Every type {@link PiiEngine#standard()} can emit. */
  public static final Set<String> ALL = Set.of(PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, US_SSN,
      US_DRIVER_LICENSE, IP_ADDRESS, URL, DOMAIN_NAME, DATE_TIME, AGE, ZIP_CODE, STREET_ADDRESS, ORGANIZATION,
      LOCATION, NRP, TITLE);

  /**
   * Direct identifiers and financial or government numbers: the types a PII shield must never let reach
   * a model provider without consent.
   */
  public static final Set<String> DIRECT_IDENTIFIERS = Set.of(PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD,
      IBAN_CODE, US_SSN, US_DRIVER_LICENSE, IP_ADDRESS, STREET_ADDRESS);

  private EntityTypes() {}
}
