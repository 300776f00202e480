package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class RedactionAndChecksumsTest {

  @Test
  @Tag("P15")
  void redactionReplacesEachEntityWithItsTypeAndKeepsTheRest() {
    String text = "Call Anna Berg at +44 20 7946 0958.";
    String redacted = Redaction.replaceWithTypes(text, PiiTestSupport.ENGINE.detect(text));
    assertThat(redacted).isEqualTo("Call <PERSON> at <PHONE_NUMBER>.");
  }

  @Test
  @Tag("P15")
  void redactingWhatTheEngineFindsLeavesNoneOfIt() {
    String text = "Anna Berg, 742 Evergreen Terrace, SSN 536-22-1234, card 4111 1111 1111 1111, anna@example.com";
    String redacted = Redaction.replaceWithTypes(text, PiiTestSupport.ENGINE.detect(text));
    assertThat(redacted).isEqualTo("<PERSON>, <STREET_ADDRESS>, SSN <US_SSN>, card <CREDIT_CARD>, <EMAIL_ADDRESS>");
  }

  @Test
  void luhn() {
    assertThat(Checksums.luhn("4111111111111111")).isTrue();
    assertThat(Checksums.luhn("79927398713")).isTrue();
    assertThat(Checksums.luhn("79927398710")).isFalse();
    assertThat(Checksums.luhn("4111-1111")).isFalse();
  }

  @Test
  void cardIssuersByPrefixAndLength() {
    assertThat(Checksums.cardIssuer("4111111111111111")).isTrue(); // Visa 16
    assertThat(Checksums.cardIssuer("378282246310005")).isTrue(); // Amex 15
    assertThat(Checksums.cardIssuer("37828224631000")).isFalse(); // Amex is 15 digits
    assertThat(Checksums.cardIssuer("2221000000000009")).isTrue(); // Mastercard 2-series
    assertThat(Checksums.cardIssuer("6011111111111117")).isTrue(); // Discover
    assertThat(Checksums.cardIssuer("3530111333300000")).isTrue(); // JCB
    assertThat(Checksums.cardIssuer("9111111111111111")).isFalse();
  }

  @Test
  void ibanMod97AndCountryLengths() {
    assertThat(Checksums.ibanChecksum("GB82WEST12345698765432")).isTrue();
    assertThat(Checksums.ibanChecksum("gb82west12345698765432")).isTrue();
    assertThat(Checksums.ibanChecksum("GB82WEST12345698765433")).isFalse();
    assertThat(Checksums.ibanChecksum("NL91ABNA0417164300")).isTrue();
    assertThat(Checksums.ibanLength('G', 'B')).isEqualTo(22);
    assertThat(Checksums.ibanLength('n', 'l')).isEqualTo(18);
    assertThat(Checksums.ibanLength('X', 'X')).isZero();
  }

  @Test
  void ssnValidityRules() {
    assertThat(Checksums.ssn(536, 22, 1234)).isTrue();
    assertThat(Checksums.ssn(0, 22, 1234)).isFalse();
    assertThat(Checksums.ssn(666, 22, 1234)).isFalse();
    assertThat(Checksums.ssn(900, 22, 1234)).isFalse();
    assertThat(Checksums.ssn(536, 0, 1234)).isFalse();
    assertThat(Checksums.ssn(536, 22, 0)).isFalse();
  }
}
