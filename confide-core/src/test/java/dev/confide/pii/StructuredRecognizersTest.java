package dev.confide.pii;

import static dev.confide.pii.PiiTestSupport.found;
import static dev.confide.pii.PiiTestSupport.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The recognizers of structured identifiers: checksums, validity rules, formats, context. */
class StructuredRecognizersTest {

  // ---- email ----------------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void emailAddressesAreFoundWithTheirWholeLocalPartAndDomain() {
    assertThat(ofType("Write to anna.berg+news@mail.example.co.uk, or to bo_x@example.org.", EntityTypes.EMAIL_ADDRESS))
        .containsExactly("anna.berg+news@mail.example.co.uk", "bo_x@example.org");
  }

  @Test
  void notEmailAddresses() {
    assertThat(ofType("Meet @ 5pm; user@localhost; a@b; @handle", EntityTypes.EMAIL_ADDRESS)).isEmpty();
  }

  // ---- payment cards --------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void cardNumbersThatPassLuhnWithAKnownIssuerAreFoundPlainOrGrouped() {
    assertThat(ofType("Visa 4111 1111 1111 1111 and Amex 3782-822463-10005 and MC 5555555555554444.",
        EntityTypes.CREDIT_CARD)).containsExactly("4111 1111 1111 1111", "3782-822463-10005", "5555555555554444");
  }

  @Test
  void aCardNumberWithABadCheckDigitIsNotACard() {
    assertThat(ofType("card 4111 1111 1111 1112", EntityTypes.CREDIT_CARD)).isEmpty();
    assertThat(ofType("card 0000 0000 0000 0000", EntityTypes.CREDIT_CARD)).isEmpty();
  }

  @Test
  void aLuhnValidNumberWithoutAnIssuerNeedsCardContext() {
    // 9-prefixed numbers belong to no card network; 16 digits that pass Luhn by chance
    String number = "9000000000000001";
    assertThat(Checksums.luhn(number)).isTrue();
    assertThat(ofType("order " + number + " shipped", EntityTypes.CREDIT_CARD)).isEmpty();
    assertThat(ofType("my credit card number is " + number, EntityTypes.CREDIT_CARD)).containsExactly(number);
  }

  // ---- IBAN -----------------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void ibansWithAValidMod97CheckAreFoundInAnyCaseAndGrouping() {
    assertThat(ofType("Pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000 or gb82west12345698765432.",
        EntityTypes.IBAN_CODE)).containsExactly("GB82 WEST 1234 5698 7654 32", "DE89370400440532013000",
        "gb82west12345698765432");
  }

  @Test
  void anIbanWithAWrongCheckOrLengthIsNotAnIban() {
    assertThat(ofType("GB83WEST12345698765432", EntityTypes.IBAN_CODE)).isEmpty(); // check digits off by one
    assertThat(ofType("DE8937040044053201300", EntityTypes.IBAN_CODE)).isEmpty(); // one digit short
  }

  // ---- US SSN ---------------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void socialSecurityNumbersFollowingTheSsaRulesAreFound() {
    assertThat(ofType("SSN 536-22-1234, spouse 536 22 8765", EntityTypes.US_SSN))
        .containsExactly("536-22-1234", "536 22 8765");
  }

  @Test
  void invalidSocialSecurityNumbersAreNotReported() {
    for (String invalid : new String[] {"000-12-3456", "666-12-3456", "912-12-3456", "536-00-1234", "536-22-0000",
        "123-45-6789", "078-05-1120"}) {
      assertThat(ofType("ssn " + invalid, EntityTypes.US_SSN)).as(invalid).isEmpty();
    }
  }

  @Test
  void nineDigitsNeedSocialSecurityContext() {
    assertThat(ofType("tracking 536221234", EntityTypes.US_SSN)).isEmpty();
    assertThat(ofType("my social security number is 536221234", EntityTypes.US_SSN)).containsExactly("536221234");
  }

  // ---- driver's licence -----------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void aDriversLicenceNumberIsReportedOnlyWhereTheTextSaysSo() {
    assertThat(ofType("My driver's license number is F1628235 and it expires soon.", EntityTypes.US_DRIVER_LICENSE))
        .containsExactly("F1628235");
    assertThat(ofType("DL: 2270-66-1551", EntityTypes.US_DRIVER_LICENSE)).containsExactly("2270-66-1551");
    assertThat(ofType("Invoice F1628235 was paid.", EntityTypes.US_DRIVER_LICENSE)).isEmpty();
    assertThat(ofType("The licence plate AB12345 was seen.", EntityTypes.US_DRIVER_LICENSE)).isEmpty();
  }

  // ---- phone numbers --------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void phoneNumbersOfSeveralCountriesAreFound() {
    assertThat(ofType("US (415) 555-2671, UK 020 7946 0958, DE 030 901820, FR 01 42 68 53 00, "
        + "intl +44 20 7946 0958 and +49 30 901820, SE +46 (0)8 928 571 38.", EntityTypes.PHONE_NUMBER))
        .containsExactly("(415) 555-2671", "020 7946 0958", "030 901820", "01 42 68 53 00", "+44 20 7946 0958",
            "+49 30 901820", "+46 (0)8 928 571 38");
  }

  @Test
  void phoneValidationAgreesWithLibphonenumbersFindNumbers() {
    com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    String[] numbers = {"(415) 555-2671", "020 7946 0958", "030 901820", "01 42 68 53 00", "+44 20 7946 0958",
        "+49 30 901820", "+1 202-555-0143", "06 12 34 56 78", "0412 345 678", "(02) 9876 5432", "+33 1 42 68 53 00",
        "+61 412 345 678", "+91 98765 43210", "011 2345 6789", "+7 495 123-45-67", "123 456 7890",
        "(555) 000-0000", "+999 123 456 789", "+44 12 3456", "+1 123 456 7890"};
    for (String n : numbers) {
      boolean libphonenumber = false;
      java.util.List<String> regions = new java.util.ArrayList<>(PiiEngine.PHONE_REGIONS);
      regions.add(0, "US");
      for (String region : regions) {
        for (var m : util.findNumbers(n, region, com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency.VALID, 5)) {
          if (m.start() == 0 && m.end() == n.length()) {
            libphonenumber = true;
          }
        }
      }
      boolean ours = ofType("see " + n + " ok", EntityTypes.PHONE_NUMBER).contains(n); // no context words
      assertThat(ours).as("%s: libphonenumber says valid=%s", n, libphonenumber).isEqualTo(libphonenumber);
    }
  }

  @Test
  void theDefaultPhoneRegionRanksItsOwnNationalNumbersHigher() {
    String text = "ring 07700 900123 soon";
    double us = PiiTestSupport.ENGINE.detect(text).get(0).score();
    double uk = PiiEngine.builder().defaultRegion("GB").build().detect(text).get(0).score();
    assertThat(uk).isGreaterThan(us);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PiiEngine.builder().defaultRegion("XX").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPhoneNumberKeepsItsExtension() {
    assertThat(ofType("Call 541-714-1388 x4587 today.", EntityTypes.PHONE_NUMBER)).containsExactly("541-714-1388 x4587");
    assertThat(ofType("Desk: (898)666-3621x0135", EntityTypes.PHONE_NUMBER)).containsExactly("(898)666-3621x0135");
  }

  @Test
  void datesAndDecimalsAreNotPhoneNumbers() {
    assertThat(ofType("On 2021-03-04 the price was 1234.5678 and 12/05/2020 was a Tuesday.", EntityTypes.PHONE_NUMBER))
        .isEmpty();
  }

  // ---- IP addresses ---------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void ipv4AndIpv6AddressesAreFound() {
    assertThat(ofType("Hosts 192.168.1.20, 2001:db8:85a3::8a2e:370:7334, ::1 and ::ffff:10.0.0.1 are up.",
        EntityTypes.IP_ADDRESS)).containsExactly("192.168.1.20", "2001:db8:85a3::8a2e:370:7334", "::ffff:10.0.0.1");
  }

  @Test
  void invalidIpAddressesAreNot() {
    assertThat(ofType("Versions 256.1.1.1, 1.2.3, 10:30:45, 2001:db8::1::2 and 1.2.3.4.5", EntityTypes.IP_ADDRESS))
        .isEmpty();
  }

  // ---- URLs and domains -----------------------------------------------------------------------------

  @Test
  void urlsAndDomainNamesAreFound() {
    String text = "See https://www.example.com/path?q=1 (or www.example.org). Mail example.net for more.";
    assertThat(ofType(text, EntityTypes.URL)).containsExactly("https://www.example.com/path?q=1", "www.example.org");
    assertThat(ofType(text, EntityTypes.DOMAIN_NAME)).containsExactly("example.net");
  }

  @Test
  void fileNamesAndAbbreviationsAreNotDomains() {
    assertThat(ofType("Open main.py, read notes.txt, e.g. the U.S. version.", EntityTypes.DOMAIN_NAME)).isEmpty();
  }

  // ---- dates, ages, postal codes --------------------------------------------------------------------

  @Test
  void datesAndTimesInSeveralFormats() {
    assertThat(ofType("Born on 2/16/1942, met 2000-04-16 11:34:35, moved January 5, 2020, left on 5 March 2021 "
        + "at 3:30 pm on Saturday.", EntityTypes.DATE_TIME)).containsExactly("2/16/1942", "2000-04-16 11:34:35",
        "January 5, 2020", "5 March 2021", "3:30 pm", "Saturday");
  }

  @Test
  void impossibleDatesAreNotDates() {
    assertThat(ofType("Codes 13/45/2020 and 2020-14-40 are not dates.", EntityTypes.DATE_TIME)).isEmpty();
  }

  @Test
  void agesAreTheNumberInAnAgeExpression() {
    assertThat(ofType("A 19 year old, aged 34, a 7-year-old, and I just turned 46.", EntityTypes.AGE))
        .containsExactly("19", "34", "7", "46");
    assertThat(ofType("I waited 19 minutes and paid 34 dollars.", EntityTypes.AGE)).isEmpty();
  }

  @Test
  void postalCodesAfterALabelOrAState() {
    assertThat(ofType("ZIP: 8592", EntityTypes.ZIP_CODE)).containsExactly("8592");
    assertThat(ofType("Springfield, IL 62704-1234", EntityTypes.ZIP_CODE)).containsExactly("62704-1234");
    assertThat(ofType("postcode SW1A 1AA", EntityTypes.ZIP_CODE)).containsExactly("SW1A 1AA");
  }

  @Test
  void everyResultIsSortedAndNonOverlappingWithScoresInRange() {
    String text = "Anna Berg (anna@example.com, +1-202-555-0143) paid with 4111111111111111 on 2024-01-31 "
        + "from 10.0.0.7 at 221 Baker Street, London.";
    var entities = PiiTestSupport.ENGINE.detect(text);
    assertThat(entities).hasSizeGreaterThanOrEqualTo(6);
    for (int i = 0; i < entities.size(); i++) {
      PiiEntity e = entities.get(i);
      assertThat(e.score()).isBetween(0.0, 1.0);
      assertThat(e.end()).isLessThanOrEqualTo(text.length());
      if (i > 0) {
        assertThat(e.start()).isGreaterThanOrEqualTo(entities.get(i - 1).end());
      }
    }
    assertThat(found(text)).contains("EMAIL_ADDRESS:anna@example.com", "PHONE_NUMBER:+1-202-555-0143",
        "CREDIT_CARD:4111111111111111", "DATE_TIME:2024-01-31", "IP_ADDRESS:10.0.0.7");
  }
}
