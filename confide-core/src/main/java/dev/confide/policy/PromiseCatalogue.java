package dev.confide.policy;

import java.util.List;
import java.util.Optional;

/**
 * The promises P01–P41 of DESIGN §1: what each says, which reference policy it comes from, and the
 * runtime {@link SelfChecks self-checks} that must pass for it to hold in a running deployment. A
 * promise with no self-check is kept by code alone, proven by the conformance tests tagged with its id.
 */
public final class PromiseCatalogue {

  /** Which reference policy a promise comes from: infuzu, lumis, or both. */
  public enum Source {
    I, L, IL;

    public boolean infuzu() {
      return this != L;
    }

    public boolean lumis() {
      return this != I;
    }
  }

  /** One promise: its id, a short title, its source and the self-checks it relies on. */
  public record Promise(String id, String title, Source source, List<String> checks) {
    public Promise {
      checks = List.copyOf(checks);
    }
  }

  private static final List<String> RETENTION = List.of(SelfChecks.RETENTION_JOB, SelfChecks.SWEEPS_ON_TIME);
  private static final List<String> KEYS = List.of(SelfChecks.KEYS_FRESH, SelfChecks.KEY_ROTATION_JOB);

  private static final List<Promise> ALL = List.of(
      p("P01", "Account data encrypted at rest, never shared or sold; no card data held", Source.IL, List.of(SelfChecks.KEYS_FRESH)),
      p("P02", "Chat history kept so you can review it", Source.IL, List.of()),
      p("P03", "Delete one chat or all chats at any time, permanently", Source.I, RETENTION),
      p("P04", "Chats deleted after the retention days of inactivity; you can change it", Source.I, RETENTION),
      p("P05", "Decision data without the compared answers, anonymized, only with data collection on", Source.I,
          List.of(SelfChecks.PII_READY)),
      p("P06", "Thumbs up/down collected without chat content or personal data", Source.I, List.of()),
      p("P07", "Usage data for billing and rate limiting, kept at most the usage retention", Source.IL, RETENTION),
      p("P08", "API usage data: the same metrics for API calls", Source.I, RETENTION),
      p("P09", "Access logs and device information kept at most the log retention; addresses truncated", Source.L, RETENTION),
      p("P10", "Interaction data (feedback, ratings, edit history) kept with your data", Source.L, List.of()),
      p("P11", "Support tickets kept with your data", Source.L, List.of()),
      p("P12", "Model-training opt-out in your settings", Source.L, List.of()),
      p("P13", "Before training use: PII removed, aggregated, differential privacy", Source.L, List.of(SelfChecks.PII_READY)),
      p("P14", "Data shared only with the listed processors", Source.L, List.of(SelfChecks.PROCESSORS_REGISTERED)),
      p("P15", "No personal data to AI model providers without explicit consent", Source.L,
          List.of(SelfChecks.PII_READY, SelfChecks.SHIELD_ON)),
      p("P16", "Legal disclosures only when required by law, and recorded", Source.L, List.of(SelfChecks.AUDIT_CHAIN)),
      p("P17", "Personal data never sold; opt-out of sale and sharing; Global Privacy Control honoured", Source.I, List.of()),
      p("P18", "Data at rest encrypted with AES-256, keys rotated daily", Source.I, KEYS),
      p("P19", "Cookies encrypted with AES-256, keys rotated daily", Source.I, KEYS),
      p("P20", "Encryption in transit: HTTPS with ECC P-521", Source.IL, List.of(SelfChecks.TLS)),
      p("P21", "Only authorized staff, only when necessary, through audited time-boxed access", Source.IL,
          List.of(SelfChecks.AUDIT_CHAIN)),
      p("P22", "Regular audits and security checks", Source.IL, List.of(SelfChecks.AUDIT_CHAIN)),
      p("P23", "Right of access / to know", Source.IL, List.of()),
      p("P24", "Right to correction", Source.IL, List.of()),
      p("P25", "Right to erasure, with a signed receipt", Source.IL, RETENTION),
      p("P26", "Right to restriction", Source.I, List.of()),
      p("P27", "Data portability: export in JSON and CSV", Source.IL, List.of()),
      p("P28", "Objection to certain processing", Source.IL, List.of()),
      p("P29", "Limit the use of sensitive personal data (CCPA)", Source.I, List.of()),
      p("P30", "Requests by e-mail answered within the statutory deadlines", Source.I,
          List.of(SelfChecks.REQUEST_DEADLINES_JOB, SelfChecks.MAIL_OUTBOX)),
      p("P31", "HIPAA accounts with a BAA: no decision data by default, PHI protected", Source.I,
          List.of(SelfChecks.PII_READY, SelfChecks.PROCESSORS_REGISTERED)),
      p("P32", "Retention schedule per category; deleted data gone within the deletion window", Source.IL,
          List.of(SelfChecks.RETENTION_JOB, SelfChecks.SWEEPS_ON_TIME, SelfChecks.KEY_ROTATION_JOB)),
      p("P33", "Breach: affected users told as soon as possible, regulators within the stated hours", Source.I,
          List.of(SelfChecks.MAIL_OUTBOX)),
      p("P34", "No users under the minimum age; their data deleted at once", Source.IL, List.of(SelfChecks.AGE_GATE)),
      p("P35", "Policy updates announced in the app, by e-mail and on the site", Source.IL, List.of(SelfChecks.MAIL_OUTBOX)),
      p("P36", "International transfers only with safeguards", Source.L, List.of(SelfChecks.PROCESSORS_REGISTERED)),
      p("P37", "Communication preferences obeyed; legal notices always sent", Source.L, List.of(SelfChecks.MAIL_OUTBOX)),
      p("P38", "Analytics cookies only with your consent", Source.L, List.of()),
      p("P39", "Accessible (WCAG 2.1 AA)", Source.I, List.of()),
      p("P40", "Rate limiting from usage data", Source.I, List.of(SelfChecks.RATE_LIMITS)),
      p("P41", "Billing from usage; payment by an external processor", Source.I, List.of()));

  private PromiseCatalogue() {}

  private static Promise p(String id, String title, Source source, List<String> checks) {
    return new Promise(id, title, source, checks);
  }

  /** All 41 promises in id order. */
  public static List<Promise> all() {
    return ALL;
  }

  public static Optional<Promise> find(String id) {
    return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
