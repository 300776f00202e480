package dev.confide.pii;

import static dev.confide.pii.PiiTestSupport.ENGINE;
import static dev.confide.pii.PiiTestSupport.found;
import static dev.confide.pii.PiiTestSupport.ofType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Names, places, organizations, groups, titles and addresses in free text. */
class FreeTextRecognizersTest {

  // ---- persons --------------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void personNamesFromTheGazetteersIncludingAccentsAndInitials() {
    assertThat(ofType("Yesterday Krisztián Szöllösy met Faina D. Yefremova and José Álvarez in the lobby.",
        EntityTypes.PERSON)).containsExactly("Krisztián Szöllösy", "Faina D. Yefremova", "José Álvarez");
  }

  @Test
  @Tag("P15")
  void contextRevealsNamesTheGazetteersDoNotKnow() {
    assertThat(ofType("My name is Zorblax Quintavelle", EntityTypes.PERSON)).containsExactly("Zorblax Quintavelle");
    assertThat(ofType("my name is borna jerković but everyone calls me borna", EntityTypes.PERSON))
        .containsExactly("borna jerković", "borna");
    assertThat(ofType("\"We loved it,\" said Oduya.", EntityTypes.PERSON)).containsExactly("Oduya");
  }

  @Test
  @Tag("P15")
  void honorificsBecomeTitlesAndTheNameAfterThemAPerson() {
    assertThat(found("Please ask Mr. Pálffy or Dr Jane Holst.")).containsExactly("TITLE:Mr.", "PERSON:Pálffy",
        "TITLE:Dr", "PERSON:Jane Holst");
    assertThat(found("Dear Dr. Okonkwo, thank you for your letter of 3 May.")).containsExactly("TITLE:Dr.",
        "PERSON:Okonkwo", "DATE_TIME:3 May");
  }

  @Test
  void speakerLabelsAndPossessives() {
    assertThat(ofType("Maren: are you coming?\nTobias: yes!", EntityTypes.PERSON)).containsExactly("Maren", "Tobias");
    assertThat(ofType("I borrowed Matej's bike.", EntityTypes.PERSON)).containsExactly("Matej");
  }

  @Test
  void allCapsNames() {
    assertThat(ofType("SIGNED: JOHN SMITH", EntityTypes.PERSON)).containsExactly("JOHN SMITH");
  }

  @Test
  void aKnownPlaceAfterFromIsAPlace() {
    assertThat(found("Hi! I'm Maria Gonzalez from Madrid.")).containsExactly("PERSON:Maria Gonzalez", "LOCATION:Madrid");
  }

  @Test
  void capitalizedCommonWordsAreNotNames() {
    assertThat(ofType("Capitalized words like Wisdom and Discipline are often mistaken for names.", EntityTypes.PERSON))
        .isEmpty();
    assertThat(ofType("The Quick Guide To Better Sleep Habits", EntityTypes.PERSON)).isEmpty();
  }

  @Test
  void nonLatinScriptsDoNotCrashAndKnownNamesAreFound() {
    assertThatCode(() -> ENGINE.detect("Иван Петров живёт в Москве. 王伟在北京。 محمد في القاهرة 😀 Ünïcödé"))
        .doesNotThrowAnyException();
    assertThat(ofType("Вчера Иван Петров пришёл домой.", EntityTypes.PERSON)).containsExactly("Иван Петров");
    // surrogate pairs, combining marks and lone surrogates keep offsets valid
    String odd = "Ana\u0301 Lo\u0308pez 𝒜𝒷𝒸 \uD800 end";
    for (PiiEntity e : ENGINE.detect(odd)) {
      assertThat(e.end()).isLessThanOrEqualTo(odd.length());
    }
  }

  // ---- places, organizations, groups, titles --------------------------------------------------------

  @Test
  void locationsFromTheGazetteersAndFromContext() {
    assertThat(ofType("I grew up in Estonia, moved to New Zealand and now live in Amsterdam.", EntityTypes.LOCATION))
        .containsExactly("Estonia", "New Zealand", "Amsterdam");
    assertThat(ofType("We flew to Zanbrovia last spring.", EntityTypes.LOCATION)).containsExactly("Zanbrovia");
  }

  @Test
  void organizationsWithLegalSuffixesAndContext() {
    assertThat(ofType("She joined Northwind Traders Ltd. after leaving Contoso GmbH and Fabrikam Inc", EntityTypes.ORGANIZATION))
        .containsExactly("Northwind Traders Ltd.", "Contoso GmbH", "Fabrikam Inc");
    assertThat(ofType("He works at Globex Solutions in Springfield.", EntityTypes.ORGANIZATION))
        .containsExactly("Globex Solutions");
  }

  @Test
  void nationalitiesReligionsAndPoliticalGroups() {
    assertThat(ofType("The Norwegian chef, a Buddhist, cooks for Republicans and Democrats.", EntityTypes.NRP))
        .containsExactly("Norwegian", "Buddhist", "Republicans", "Democrats");
  }

  @Test
  void jobTitlesWhereTheTextPresentsOne() {
    assertThat(ofType("I used to work for Initech as a data analyst, but quit.", EntityTypes.TITLE))
        .containsExactly("data analyst");
    assertThat(ofType("Marie Langrová, the Packager, said hello.", EntityTypes.TITLE)).containsExactly("Packager");
  }

  // ---- addresses ------------------------------------------------------------------------------------

  @Test
  @Tag("P15")
  void streetAddressesInSeveralConventions() {
    assertThat(ofType("Send it to 1600 Pennsylvania Avenue NW please.", EntityTypes.STREET_ADDRESS))
        .containsExactly("1600 Pennsylvania Avenue");
    assertThat(ofType("She lives at Rua do Arenque 1634 now.", EntityTypes.STREET_ADDRESS))
        .containsExactly("Rua do Arenque 1634");
    assertThat(ofType("Our office: Hauptstraße 5, then Søndergade 52.", EntityTypes.STREET_ADDRESS))
        .containsExactly("Hauptstraße 5", "Søndergade 52");
    assertThat(ofType("Mail it to P.O. Box 149 today.", EntityTypes.STREET_ADDRESS)).containsExactly("P.O. Box 149");
    // a one-line address keeps its town and postcode
    assertThat(ofType("Our office at 221B Baker Street, London NW1 6XE will call.", EntityTypes.STREET_ADDRESS))
        .containsExactly("221B Baker Street, London NW1 6XE");
  }

  @Test
  @Tag("P15")
  void anAddressOverSeveralLinesIsCoveredLineByLine() {
    String text = "Ship to:\nAnna Berg\n742 Evergreen Terrace\nApt. 12\nSpringfield, OR 97403\nUnited States\n\nThanks!";
    assertThat(found(text)).containsExactly("PERSON:Anna Berg", "STREET_ADDRESS:742 Evergreen Terrace",
        "STREET_ADDRESS:Apt. 12", "LOCATION:Springfield", "LOCATION:OR", "ZIP_CODE:97403", "LOCATION:United States");
    // nothing of the address is left in the redacted text
    String redacted = Redaction.replaceWithTypes(text, ENGINE.detect(text));
    assertThat(redacted).doesNotContain("Evergreen", "12", "Springfield", "97403", "United States", "Anna");
    assertThat(redacted).startsWith("Ship to:\n<PERSON>\n<STREET_ADDRESS>\n<STREET_ADDRESS>\n<LOCATION>, <LOCATION> <ZIP_CODE>");
  }

  @Test
  @Tag("P15")
  void anAddressWrittenIntoASentenceIsOneSpanOverItsLines() {
    String text = "Please send the parcel to 742 Evergreen Terrace\nApt. 12\nSpringfield, OR 97403\n\nThanks, Anna Berg";
    assertThat(found(text)).containsExactly("STREET_ADDRESS:742 Evergreen Terrace\nApt. 12\nSpringfield, OR 97403",
        "PERSON:Anna Berg");
    // after a label on the same line too
    String labelled = "Address:   18 Rue des Lilas\n Lyon\n France\nPhone: +44 20 7946 0958";
    assertThat(found(labelled)).containsExactly("STREET_ADDRESS:18 Rue des Lilas\n Lyon\n France",
        "PHONE_NUMBER:+44 20 7946 0958");
    // a one-line address in a sentence does not swallow the next sentence's line
    String oneLine = "I live at 221 Baker Street.\nWhat about you?";
    assertThat(found(oneLine)).containsExactly("STREET_ADDRESS:221 Baker Street");
  }

  @Test
  void wholeAddressModeReportsOneSpan() {
    PiiEngine whole = PiiEngine.builder().wholeAddresses(true).build();
    String text = "Ship to 742 Evergreen Terrace\nApt. 12\nSpringfield, OR 97403\nthanks";
    assertThat(found(whole, text)).containsExactly("STREET_ADDRESS:742 Evergreen Terrace\nApt. 12\nSpringfield, OR 97403");
  }

  @Test
  void aSignatureBlockNamesTheOrganizationAndTitle() {
    String text = "Best,\nIdris Ibragimov\nSenior Accountant\nQuantrix\n1317 Kimberly Way\nMobile: +44 20 7946 0958";
    List<String> f = found(text);
    assertThat(f).contains("PERSON:Idris Ibragimov", "TITLE:Senior Accountant", "ORGANIZATION:Quantrix",
        "STREET_ADDRESS:1317 Kimberly Way", "PHONE_NUMBER:+44 20 7946 0958");
  }

  @Test
  void configuredThresholdsAndDisabledTypesAreRespected() {
    PiiEngine noPersons = PiiEngine.builder().disable(EntityTypes.PERSON).build();
    assertThat(found(noPersons, "Anna Berg wrote to anna@example.com")).containsExactly("EMAIL_ADDRESS:anna@example.com");
    PiiEngine strict = PiiEngine.builder().threshold(EntityTypes.DATE_TIME, 0.99).build();
    assertThat(found(strict, "in 1999")).isEmpty();
    assertThat(ENGINE.thresholds()).containsKeys(EntityTypes.PERSON, EntityTypes.EMAIL_ADDRESS);
    assertThat(noPersons.entityTypes()).doesNotContain(EntityTypes.PERSON).contains(EntityTypes.EMAIL_ADDRESS);
  }
}
