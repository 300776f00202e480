package dev.confide.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A deployment's privacy policy, as loaded from its file by {@link PolicyLoader}. Everything the
 * engine and the rendered policy page need comes from here; a value is never taken from a preset's
 * name. Nullable fields say so; lists are never null.
 *
 * @param version the policy version recorded with every consent (e.g. {@code 2025-01-01})
 * @param language the BCP 47 language of the texts ({@code lang} of the rendered page)
 * @param minimumAge nobody younger may sign up (P34)
 * @param promises the ids (P01–P41) of the promises this policy makes, in file order
 */
public record Policy(
    String version,
    LocalDate effectiveDate,
    String language,
    Company company,
    Contacts contacts,
    int minimumAge,
    Defaults defaults,
    Retention retention,
    List<DataCategory> categories,
    AccountKinds accountKinds,
    Training training,
    List<Processor> processors,
    Transfers transfers,
    Cookies cookies,
    List<Jurisdiction> jurisdictions,
    Breach breach,
    Security security,
    Changes changes,
    List<String> promises) {

  public Policy {
    categories = List.copyOf(categories);
    processors = List.copyOf(processors);
    jurisdictions = List.copyOf(jurisdictions);
    promises = List.copyOf(promises);
  }

  /** Whether this policy makes the promise with this id (e.g. {@code "P04"}). */
  public boolean makes(String promiseId) {
    return promises.contains(promiseId);
  }

  public Optional<DataCategory> category(String id) {
    return categories.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  public Optional<Processor> processor(String name) {
    return processors.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The statutory deadlines and rights under a law, by its id (e.g. {@code gdpr}, {@code ccpa}). */
  public Optional<Jurisdiction> jurisdiction(String id) {
    return jurisdictions.stream().filter(j -> j.id().equals(id)).findFirst();
  }

  /**
   * @param legalName the entity that is the controller of the personal data; null: {@code name}
   * @param service what the service is, completing "name is ..."
   * @param website an https address, or null
   */
  public record Company(String name, String legalName, String service, String website) {
    public String controller() {
      return legalName == null ? name : legalName;
    }
  }

  /** Where people reach the company. Only {@code privacyEmail} is required; the others may be null. */
  public record Contacts(String privacyEmail, String postalAddress, Dpo dpo, String hipaaEmail, String accessibilityEmail) {}

  /** A data protection officer. */
  public record Dpo(String name, String email) {}

  /**
   * What a subject has before changing anything.
   *
   * @param dataCollection decision data collected (P05) unless the subject turns it off
   * @param dataCollectionForHipaa the same for HIPAA accounts (P31)
   * @param chatRetention days of inactivity after which a chat goes (P04), or {@link RetentionRule#KEEP}
   */
  public record Defaults(boolean dataCollection, boolean dataCollectionForHipaa, RetentionRule chatRetention) {
    /** The default chat retention in days; null when chats are kept until deleted (as the settings store it). */
    public Integer chatRetentionDays() {
      return chatRetention.daysOrNull();
    }
  }

  /**
   * The numbers the retention sweeps and erasure enforce, in days.
   *
   * @param usageDays usage records (P07, P08)
   * @param accessLogDays access logs and device information (P09)
   * @param ipTruncationDays client addresses are cut to their network part after this (P09)
   * @param deletionWindowDays deleted data, including old key versions and so backups, is gone within this (P32)
   * @param erasedPurgeDays an erased subject's remaining rows are purged within this; at most the deletion window
   */
  public record Retention(int usageDays, int accessLogDays, int ipTruncationDays, int deletionWindowDays,
      int erasedPurgeDays) {}

  /**
   * A kind of data the service holds.
   *
   * @param id a stable snake_case id (e.g. {@code chat_history}); the engine looks categories up by it
   * @param anonymous kept with no link to a person, so it survives erasure and cannot be deleted on request
   * @param details further statements shown under the category on the policy page
   */
  public record DataCategory(String id, String name, String description, List<String> purposes, RetentionRule retention,
      boolean anonymous, List<String> details) {
    public DataCategory {
      purposes = List.copyOf(purposes);
      details = List.copyOf(details);
    }
  }

  /** How long a category is kept: a number of days, indefinitely ({@code keep}) or while the account exists ({@code account}). */
  public record RetentionRule(Kind kind, int days) {
    public static final RetentionRule KEEP = new RetentionRule(Kind.KEEP, 0);
    public static final RetentionRule WHILE_ACCOUNT = new RetentionRule(Kind.ACCOUNT, 0);

    public enum Kind { DAYS, KEEP, ACCOUNT }

    public RetentionRule {
      if ((kind == Kind.DAYS) != (days > 0)) {
        throw new IllegalArgumentException("a number of days goes with kind DAYS only, and must be positive");
      }
    }

    public static RetentionRule days(int days) {
      return new RetentionRule(Kind.DAYS, days);
    }

    public Integer daysOrNull() {
      return kind == Kind.DAYS ? days : null;
    }
  }

  public record AccountKinds(Hipaa hipaa) {}

  /** HIPAA accounts (P31): offered or not, and how the policy describes them. */
  public record Hipaa(boolean enabled, String description) {}

  /** Whether subjects' content may be exported for model training (P12, P13). */
  public record Training(boolean usesContent) {}

  /**
   * Someone who processes personal data for the company (P14). A model provider configured in the
   * server must match a processor of kind {@link ProcessorKind#MODEL_PROVIDER}.
   *
   * @param name unique; as shown on the policy page and named by disclosures
   * @param examples companies this processor stands for, when the policy names a kind of processor
   * @param categories ids of the data categories it receives
   * @param country ISO 3166-1 alpha-2 code of where it processes the data
   * @param baa whether it has signed a HIPAA Business Associate Agreement
   */
  public record Processor(String name, ProcessorKind kind, List<String> examples, String purpose, List<String> categories,
      String country, TransferMechanism transferMechanism, boolean baa) {
    public Processor {
      examples = List.copyOf(examples);
      categories = List.copyOf(categories);
    }
  }

  public enum ProcessorKind {
    HOSTING, PAYMENT, ANALYTICS, SUPPORT, MODEL_PROVIDER, EMAIL, OTHER;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The safeguard for sending data abroad (P36); {@code NONE}: the data does not leave its region. */
  public enum TransferMechanism {
    NONE, SCC, ADEQUACY, DPF, BCR;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The transfer mechanisms this policy allows; every processor's mechanism is one of them or {@code none}. */
  public record Transfers(List<TransferMechanism> mechanisms) {
    public Transfers {
      mechanisms = List.copyOf(mechanisms);
    }
  }

  /**
   * @param purposes what the essential cookies do, as shown on the policy page
   * @param analytics analytics cookies, or null when there are none
   */
  public record Cookies(List<String> purposes, AnalyticsCookies analytics) {
    public Cookies {
      purposes = List.copyOf(purposes);
    }
  }

  /**
   * @param processor the name of the processor that receives the analytics
   * @param consentRequired set only after the subject agrees (P38); otherwise set until the subject opts out
   * @param optOut how to opt out, as shown on the policy page
   */
  public record AnalyticsCookies(String processor, boolean consentRequired, String optOut) {}

  /**
   * A law under which subjects make requests (P30): how long the company has to answer, by how much
   * it may extend that, and which rights it grants.
   */
  public record Jurisdiction(String id, String name, Period respondWithin, Period extendableBy, List<Right> rights) {
    public Jurisdiction {
      rights = List.copyOf(rights);
    }

    /** When a request received at {@code receivedAt} must be answered (calendar arithmetic in UTC). */
    public Instant dueAt(Instant receivedAt) {
      return receivedAt.atOffset(ZoneOffset.UTC).plus(respondWithin).toInstant();
    }

    /** The latest a request due at {@code dueAt} may be extended to. */
    public Instant extendedDueAt(Instant dueAt) {
      return dueAt.atOffset(ZoneOffset.UTC).plus(extendableBy).toInstant();
    }
  }

  /** A privacy right; the ids are those of the privacy request types. */
  public enum Right {
    ACCESS, RECTIFY, ERASE, RESTRICT, EXPORT, OBJECT, OPT_OUT_SALE, LIMIT_SENSITIVE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Breach notification (P33): regulators are told within this many hours; affected users as soon as possible. */
  public record Breach(int regulatorHours) {}

  /** Organisational measures the policy states beyond what the software enforces (e.g. staff training). */
  public record Security(List<String> measures) {
    public Security {
      measures = List.copyOf(measures);
    }
  }

  /** Where changes to the policy are announced (P35). */
  public record Changes(List<Channel> channels) {
    public Changes {
      channels = List.copyOf(channels);
    }
  }

  public enum Channel {
    IN_APP, EMAIL, WEBSITE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
