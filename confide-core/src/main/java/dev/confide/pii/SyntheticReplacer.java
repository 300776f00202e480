package dev.confide.pii;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.datafaker.Faker;

/**
 * Replaces each entity with a fake value of the same type (datafaker), the same fake for the same
 * value within one document. Fakes are drawn from a generator seeded per document, so they carry
 * nothing of the original. Not thread-safe: one per document.
 */
public final class SyntheticReplacer {
  private final Faker faker;
  private final Map<String, String> fakes = new HashMap<>();

  public SyntheticReplacer(long seed) {
    this.faker = new Faker(Locale.ENGLISH, new Random(seed));
  }

  public String replace(String text, List<PiiEntity> entities) {
    return PiiOperators.apply(text, entities, e ->
        fakes.computeIfAbsent(e.type() + '\0' + text.substring(e.start(), e.end()), k -> fake(e.type())));
  }

  private String fake(String type) {
    return switch (type) {
      case "PERSON" -> faker.name().fullName();
      case "EMAIL_ADDRESS" -> faker.internet().emailAddress();
      case "PHONE_NUMBER" -> faker.phoneNumber().phoneNumber();
      case "CREDIT_CARD" -> faker.finance().creditCard();
      case "IBAN_CODE" -> faker.finance().iban();
      case "US_SSN" -> faker.idNumber().ssnValid();
      case "IP_ADDRESS" -> faker.internet().ipV4Address();
      case "URL" -> faker.internet().url();
      case "DOMAIN_NAME" -> faker.internet().domainName();
      case "STREET_ADDRESS" -> faker.address().streetAddress();
      case "ORGANIZATION" -> faker.company().name();
      case "LOCATION", "GPE" -> faker.address().city();
      case "ZIP_CODE" -> faker.address().zipCode();
      case "DATE_TIME" -> faker.timeAndDate().birthday().toString();
      case "AGE" -> String.valueOf(18 + faker.random().nextInt(60));
      default -> "<" + type + ">";
    };
  }
}
