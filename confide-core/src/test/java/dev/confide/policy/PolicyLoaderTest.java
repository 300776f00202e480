package dev.confide.policy;

import static dev.confide.policy.CustomPolicy.at;
import static dev.confide.policy.CustomPolicy.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.confide.policy.Policy.Channel;
import dev.confide.policy.Policy.ProcessorKind;
import dev.confide.policy.Policy.RetentionRule;
import dev.confide.policy.Policy.Right;
import dev.confide.policy.Policy.TransferMechanism;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
  @TempDir Path tmp;

  @Test
  void theInfuzuPresetSaysWhatItsReferencePolicySays() {
    Policy p = PolicyLoader.load("infuzu");

    assertThat(p.effectiveDate()).isEqualTo(LocalDate.of(2025, 1, 1));
    assertThat(p.company().name()).isEqualTo("Infuzu");
    assertThat(p.contacts().privacyEmail()).isEqualTo("privacy@infuzu.com");
    assertThat(p.contacts().hipaaEmail()).isEqualTo("hipaa@infuzu.com");
    assertThat(p.contacts().accessibilityEmail()).isEqualTo("accessibility@infuzu.com");
    assertThat(p.minimumAge()).isEqualTo(13);
    assertThat(p.defaults().chatRetentionDays()).isEqualTo(90);
    assertThat(p.defaults().dataCollection()).isTrue();
    assertThat(p.defaults().dataCollectionForHipaa()).isFalse();
    assertThat(p.accountKinds().hipaa().enabled()).isTrue();
    assertThat(p.training().usesContent()).isFalse();
    assertThat(p.category("decision_data")).hasValueSatisfying(c -> {
      assertThat(c.anonymous()).isTrue();
      assertThat(c.retention()).isEqualTo(RetentionRule.KEEP);
    });
    assertThat(p.category("feedback").orElseThrow().anonymous()).isTrue();
    assertThat(p.categories()).extracting(Policy.DataCategory::id).contains("account", "chat_history", "decision_data",
        "feedback", "usage", "api_usage", "access_logs", "support_tickets", "consent_ledger");
    assertThat(p.processors()).extracting(Policy.Processor::name).containsExactly("Stripe", "Google Analytics", "AI model providers");
    assertThat(p.processor("Stripe").orElseThrow().kind()).isEqualTo(ProcessorKind.PAYMENT);
    assertThat(p.cookies().analytics().processor()).isEqualTo("Google Analytics");
    assertThat(p.cookies().analytics().consentRequired()).isFalse();
    assertThat(p.jurisdiction("gdpr").orElseThrow().rights()).contains(Right.RESTRICT).doesNotContain(Right.LIMIT_SENSITIVE);
    assertThat(p.jurisdiction("ccpa").orElseThrow().rights()).contains(Right.LIMIT_SENSITIVE, Right.OPT_OUT_SALE);
    assertThat(p.breach().regulatorHours()).isEqualTo(72);
    assertThat(p.changes().channels()).containsExactly(Channel.IN_APP, Channel.EMAIL);
  }

  @Test
  void theLumisPresetSaysWhatItsReferencePolicySays() {
    Policy p = PolicyLoader.load("lumis");

    assertThat(p.retention().usageDays()).isEqualTo(730);
    assertThat(p.retention().deletionWindowDays()).isEqualTo(30);
    assertThat(p.minimumAge()).isEqualTo(13);
    assertThat(p.defaults().chatRetention()).isEqualTo(RetentionRule.KEEP);
    assertThat(p.defaults().chatRetentionDays()).isNull();
    assertThat(p.category("account").orElseThrow().retention()).isEqualTo(RetentionRule.WHILE_ACCOUNT);
    assertThat(p.category("decision_data")).isEmpty();
    assertThat(p.category("training_data").orElseThrow().anonymous()).isTrue();
    assertThat(p.categories()).extracting(Policy.DataCategory::id).contains("access_logs", "device", "support_tickets", "feedback");
    assertThat(p.accountKinds().hipaa().enabled()).isFalse();
    assertThat(p.training().usesContent()).isTrue();
    assertThat(p.processors()).extracting(Policy.Processor::kind).containsExactly(ProcessorKind.HOSTING,
        ProcessorKind.PAYMENT, ProcessorKind.ANALYTICS, ProcessorKind.SUPPORT, ProcessorKind.MODEL_PROVIDER);
    assertThat(p.processor("Cloud hosting providers").orElseThrow().examples()).containsExactly("AWS", "Google Cloud");
    assertThat(p.transfers().mechanisms()).contains(TransferMechanism.SCC, TransferMechanism.ADEQUACY);
    assertThat(p.cookies().analytics().consentRequired()).isTrue();
    assertThat(p.changes().channels()).containsExactlyInAnyOrder(Channel.WEBSITE, Channel.EMAIL, Channel.IN_APP);
  }

  @Test
  void eachPresetMakesExactlyThePromisesTheCatalogueTracesToItsReference() {
    List<String> infuzu = PromiseCatalogue.all().stream().filter(p -> p.source().infuzu()).map(PromiseCatalogue.Promise::id).toList();
    List<String> lumis = PromiseCatalogue.all().stream().filter(p -> p.source().lumis()).map(PromiseCatalogue.Promise::id).toList();

    assertThat(PolicyLoader.load("infuzu").promises()).containsExactlyElementsOf(infuzu);
    assertThat(PolicyLoader.load("lumis").promises()).containsExactlyElementsOf(lumis);
  }

  @Test
  @Tag("P30")
  void statutoryDeadlinesComeFromTheFileAsPeriods() {
    Policy.Jurisdiction gdpr = PolicyLoader.load("infuzu").jurisdiction("gdpr").orElseThrow();
    Policy.Jurisdiction ccpa = PolicyLoader.load("infuzu").jurisdiction("ccpa").orElseThrow();
    Instant received = Instant.parse("2025-01-31T10:00:00Z");

    assertThat(gdpr.respondWithin()).isEqualTo(Period.ofMonths(1));
    assertThat(gdpr.dueAt(received)).isEqualTo(Instant.parse("2025-02-28T10:00:00Z"));
    assertThat(gdpr.extendedDueAt(gdpr.dueAt(received))).isEqualTo(Instant.parse("2025-04-28T10:00:00Z"));
    assertThat(ccpa.dueAt(received)).isEqualTo(Instant.parse("2025-03-17T10:00:00Z"));
    assertThat(ccpa.extendableBy()).isEqualTo(Period.ofDays(45));
    assertThat(CustomPolicy.load().jurisdiction("gdpr").orElseThrow().dueAt(received))
        .isEqualTo(Instant.parse("2025-03-02T10:00:00Z"));
  }

  @Test
  @Tag("P04") @Tag("P07") @Tag("P09") @Tag("P32") @Tag("P34")
  void aCustomFileSetsItsOwnNumbers() {
    Policy p = CustomPolicy.load();

    assertThat(p.version()).isEqualTo("7");
    assertThat(p.language()).isEqualTo("en");
    assertThat(p.minimumAge()).isEqualTo(16);
    assertThat(p.defaults().chatRetentionDays()).isEqualTo(45);
    assertThat(p.retention()).isEqualTo(new Policy.Retention(400, 200, 7, 14, 3));
    assertThat(p.breach().regulatorHours()).isEqualTo(48);
    assertThat(p.jurisdiction("gdpr").orElseThrow().extendableBy()).isEqualTo(Period.ZERO);
    assertThat(p.processor("Pay Co").orElseThrow().transferMechanism()).isEqualTo(TransferMechanism.NONE);
    assertThat(p.makes("P04")).isTrue();
    assertThat(p.makes("P05")).isFalse();
  }

  @Test
  void aSpecIsAPresetNameOrAPath() throws Exception {
    Path file = tmp.resolve("policy.yaml");
    Files.writeString(file, CustomPolicy.YAML);

    assertThat(PolicyLoader.load(file.toString())).isEqualTo(CustomPolicy.load());
    assertThat(PolicyLoader.load("lumis")).isEqualTo(PolicyLoader.parse(PolicyLoader.presetYaml("lumis"), "lumis.yaml"));
    String missing = tmp.resolve("nope.yaml").toString();
    assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyLoader.load(missing)).errors())
        .containsExactly(missing + ": no such file (and not a preset: infuzu, lumis)");
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws Exception {
    Path file = tmp.resolve("latin1.yaml");
    Files.write(file, CustomPolicy.with("Acme Chat", "Acmé Chat").getBytes(StandardCharsets.ISO_8859_1));

    assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyLoader.load(file)).errors())
        .containsExactly(file + ": not UTF-8 text");
  }

  // --- every kind of mistake is reported where it is ---

  private static List<String> errors(String yaml) {
    return catchThrowableOfType(PolicyException.class, () -> PolicyLoader.parse(yaml, CustomPolicy.SOURCE)).errors();
  }

  @Test
  void aNegativeNumberIsReportedAtItsLineAndColumn() {
    String yaml = with("usageDays: 400", "usageDays: -5");

    assertThat(errors(yaml)).containsExactly(at(yaml, "usageDays", "-5")
        + "retention.usageDays must be a positive number of days (at most 36500)");
  }

  @Test
  void anUnknownKeyIsReportedWithTheKeysThatAreAllowed() {
    String yaml = with("  privacyEmail: privacy@acme.test", "  privacyEmail: privacy@acme.test\n  phone: 555 0100");

    assertThat(errors(yaml)).containsExactly(at(yaml, "phone:", "phone")
        + "contacts has no key 'phone'; expected one of: privacyEmail, postalAddress, dpo, hipaaEmail, accessibilityEmail");
  }

  @Test
  void aMissingFieldIsReportedAtTheMappingThatLacksIt() {
    String yaml = with("  privacyEmail: privacy@acme.test", "  postalAddress: 1 Canary Lane");

    assertThat(errors(yaml)).containsExactly(at(yaml, "postalAddress", "postalAddress") + "contacts.privacyEmail is missing");
  }

  @Test
  void aMissingSectionIsReportedOnceAtTheTop() {
    String yaml = with("breach:\n  regulatorHours: 48\n", "");

    assertThat(errors(yaml)).containsExactly(CustomPolicy.SOURCE + ":1:1: breach is missing");
  }

  @Test
  void wrongTypesAreReported() {
    String yaml = with("dataCollection: false", "dataCollection: yes");
    yaml = CustomPolicy.replaced(yaml, "regulatorHours: 48", "regulatorHours: \"48\"");
    yaml = CustomPolicy.replaced(yaml, "purposes: [Run your account]", "purposes: Run your account");
    yaml = CustomPolicy.replaced(yaml, "kind: payment", "kind: bank");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "dataCollection: yes", "yes") + "defaults.dataCollection must be true or false",
        at(yaml, "purposes: Run", "Run") + "categories[0].purposes must be a list",
        at(yaml, "kind: bank", "bank") + "processors[0].kind must be one of: hosting, payment, analytics, support, model_provider, email, other",
        at(yaml, "regulatorHours", "\"48\"") + "breach.regulatorHours must be a whole number of hours from 1 to 720");
  }

  @Test
  @Tag("P30")
  void aBadPeriodIsReported() {
    String yaml = with("respondWithin: P30D", "respondWithin: 30 days");

    assertThat(errors(yaml)).containsExactly(at(yaml, "respondWithin", "30 days")
        + "jurisdictions.gdpr.respondWithin must be an ISO-8601 period such as P1M or P45D, and not zero");
  }

  @Test
  void anUnknownOrRepeatedPromiseIsReported() {
    String yaml = with("promises: [P01, P02, P04, P07, P34]", "promises: [P01, P02, P42, P07, P01]");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "promises:", "P42") + "promises[2] P42 is not a promise in the catalogue (P01 to P41)",
        at(yaml, "promises:", "P01]") + "promises[4] repeats an earlier entry");
  }

  @Test
  void repeatedKeysCategoriesAndProcessorsAreReported() {
    String yaml = with("  usageDays: 400", "  usageDays: 400\n  usageDays: 401");
    yaml = CustomPolicy.replaced(yaml, "accountKinds:",
        "  - id: account # again\n    name: Account again\n    description: Again.\n    purposes: [Again]\n    retention: account\naccountKinds:");
    yaml = CustomPolicy.replaced(yaml, "transfers:", "  - name: Pay Co # again\n    kind: payment\n    purpose: Again.\n"
        + "    categories: [account]\n    country: DE\n    transferMechanism: none\n    baa: false\ntransfers:");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "usageDays: 401", "usageDays") + "retention.usageDays appears twice (first at line "
            + CustomPolicy.line(yaml, "usageDays: 400") + ")",
        at(yaml, "id: account # again", "account") + "categories[4].id repeats category account (first at line "
            + CustomPolicy.line(yaml, "- id: account") + ")",
        at(yaml, "name: Pay Co # again", "Pay Co") + "processors[1].name repeats processor Pay Co (first at line "
            + CustomPolicy.line(yaml, "- name: Pay Co") + ")");
  }

  @Test
  void aProcessorMayReceiveOnlyDefinedCategoriesThroughAllowedSafeguards() {
    String yaml = with("categories: [usage]", "categories: [usage, payments]");
    yaml = CustomPolicy.replaced(yaml, "transferMechanism: none", "transferMechanism: scc");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "categories: [usage, payments]", "payments") + "processors[0].categories[1] names data category payments, which categories does not define",
        at(yaml, "transferMechanism: scc", "scc") + "processors[0].transferMechanism scc is not among transfers.mechanisms");
  }

  @Test
  @Tag("P04")
  void theRetentionACategoryStatesMustBeTheOneTheSweepsEnforce() {
    String yaml = with("chatRetentionDays: 45", "chatRetentionDays: 60");
    yaml = CustomPolicy.replaced(yaml, "accessLogDays: 200", "accessLogDays: 210");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "retention: 45", "45") + "chat_history's retention must match defaults.chatRetentionDays (60), which the sweeps enforce",
        at(yaml, "retention: 200", "200") + "access_logs's retention must match retention.accessLogDays (210), which the sweeps enforce");
  }

  @Test
  @Tag("P32")
  void thePurgeMustFitTheDeletionWindow() {
    String yaml = with("erasedPurgeDays: 3", "erasedPurgeDays: 15");

    assertThat(errors(yaml)).containsExactly(at(yaml, "erasedPurgeDays", "15")
        + "retention.erasedPurgeDays (15) must not exceed retention.deletionWindowDays (14)");
  }

  @Test
  @Tag("P05")
  void aPromiseMadeNeedsWhatKeepsItInTheFile() {
    String yaml = with("promises: [P01, P02, P04, P07, P34]", "promises: [P01, P05, P31,\n  P04]");
    yaml = CustomPolicy.replaced(yaml, "chatRetentionDays: 45", "chatRetentionDays: keep");
    yaml = CustomPolicy.replaced(yaml, "retention: 45", "retention: keep");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "promises:", "P05") + "P05 needs data category decision_data, which the file does not have",
        at(yaml, "promises:", "P31") + "P31 needs accountKinds.hipaa.enabled: true, which the file does not have",
        at(yaml, "  P04]", "P04") + "P04 needs defaults.chatRetentionDays to be a number of days, not keep");
  }

  @Test
  void everyErrorInTheFileIsReportedAtOnce() {
    String changed = with("minimumAge: 16", "minimumAge: 10");
    changed = CustomPolicy.replaced(changed, "privacyEmail: privacy@acme.test", "privacyEmail: not an address");
    changed = CustomPolicy.replaced(changed, "country: DE", "country: Germany");
    String yaml = CustomPolicy.replaced(changed, "effectiveDate: 2026-03-01", "effectiveDate: 2026-02-30");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyLoader.parse(yaml, "custom.yaml"));

    assertThat(e.source()).isEqualTo("custom.yaml");
    assertThat(e.errors()).containsExactly(
        at(yaml, "effectiveDate", "2026") + "effectiveDate must be a date such as 2025-01-01",
        at(yaml, "privacyEmail", "not") + "contacts.privacyEmail must be an e-mail address",
        at(yaml, "minimumAge", "10") + "minimumAge must be a whole number of years from 13 to 120",
        at(yaml, "country", "Germany") + "processors[0].country must be an ISO 3166-1 alpha-2 country code such as US or DE");
    assertThat(e.getMessage()).startsWith("policy custom.yaml is invalid (4 errors):\n  custom.yaml:2:16: ");
  }

  @Test
  void nullAndEmptyValuesCountAsMissing() {
    String yaml = with("name: Acme Chat", "name: ~");
    yaml = CustomPolicy.replaced(yaml, "service: a chat service for testing", "service: \"  \"");

    assertThat(errors(yaml)).containsExactly(
        at(yaml, "name: ~", "~") + "company.name is missing",
        at(yaml, "service:", "\"") + "company.service must not be empty");
  }

  @Test
  void anInvalidFileIsRefusedAsAWhole() {
    assertThatThrownBy(() -> PolicyLoader.parse(with("version: \"7\"", "version: [7]"), "x.yaml"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("x.yaml:1:10: version must be text");
  }
}
