package dev.confide.app;

import dev.confide.audit.AuditVerification;
import dev.confide.config.ConfideConfig;
import dev.confide.notify.MailDispatcher;
import dev.confide.pii.EntityTypes;
import dev.confide.policy.PolicyVerifier;
import dev.confide.policy.SelfChecks;
import dev.confide.retention.RetentionSweeps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every {@link SelfChecks#NAMES self-check}, answered from the live engine and its database: what
 * {@code confide policy verify} and {@code GET /api/admin/policy/verify} report. The job checks
 * read when each leased job last succeeded on any instance, so a deployment whose server has not
 * run yet (or has stopped) honestly fails them. Details hold counts and ages, never personal data.
 */
public final class RuntimeSelfChecks implements SelfChecks {
  /** A daily rotation plus the hourly check that performs it, with room to spare. */
  static final Duration KEY_MAX_AGE = Duration.ofHours(26);
  static final Duration MAIL_FAILURE_WINDOW = Duration.ofDays(1);
  /** Due mail still waiting after this means nobody is dispatching (each instance tries every 15 s). */
  static final Duration MAIL_MAX_WAIT = Duration.ofHours(1);
  /** Synthetic text the PII engine must find an address in. */
  static final String PII_PROBE = "Please write to probe.person@example.com about the invoice.";

  private final Confide confide;
  private final boolean servingTls;
  private final SelfChecks checks;

  /**
   * @param servingTls whether this process serves HTTPS itself ({@code serve --tls} or
   *     {@code server.tls.enabled}); commands outside the server pass the configured value
   */
  public RuntimeSelfChecks(Confide confide, boolean servingTls) {
    this.confide = confide;
    this.servingTls = servingTls;
    ConfideConfig config = confide.config;
    Map<String, Supplier<Result>> all = new HashMap<>();
    all.put(KEYS_FRESH, this::keysFresh);
    all.put(KEY_ROTATION_JOB, () -> job(BackgroundJobs.KEY_ROTATION, Duration.ofMinutes(config.keys().rotationCheckMinutes())));
    all.put(RETENTION_JOB, () -> job(BackgroundJobs.RETENTION, sweepInterval()));
    all.put(REQUEST_DEADLINES_JOB, () -> job(BackgroundJobs.REMINDERS, BackgroundJobs.REMINDERS_EVERY));
    all.put(SWEEPS_ON_TIME, this::sweepsOnTime);
    all.put(TLS, this::tls);
    all.put(AUDIT_CHAIN, this::auditChain);
    all.put(PII_READY, this::piiReady);
    all.put(SHIELD_ON, this::shieldOn);
    all.put(PROCESSORS_REGISTERED, this::processorsRegistered);
    all.put(MAIL_OUTBOX, this::mailOutbox);
    all.put(AGE_GATE, this::ageGate);
    all.put(RATE_LIMITS, this::rateLimits);
    this.checks = SelfChecks.of(all);
  }

  @Override
  public Optional<Result> run(String name) {
    return checks.run(name);
  }

  /** Which promises the active policy makes and whether this deployment keeps them, as of now. */
  public PolicyVerifier.Report verify() {
    return new PolicyVerifier(this, confide.clock).verify(confide.policy);
  }

  /** The report as JSON-ready values, the same for the command line and the staff API. */
  public static Map<String, Object> toJson(PolicyVerifier.Report report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policyVersion", report.policyVersion());
    out.put("checkedAt", report.checkedAt().toString());
    out.put("ok", report.ok());
    out.put("promisesMade", report.made());
    out.put("promisesMadeAndEnforced", report.madeAndEnforced());
    out.put("promises", report.lines());
    return out;
  }

  private Result keysFresh() {
    Instant now = confide.clock.instant();
    Duration keyEncryption = Duration.between(confide.keyEncryption.primaryCreatedAt(), now);
    Duration cookies = Duration.between(confide.cookieKeys.primaryCreatedAt(), now);
    String detail = "key-encryption primary " + age(keyEncryption) + " old, cookie primary " + age(cookies)
        + " old (at most " + KEY_MAX_AGE.toHours() + " h)";
    boolean fresh = keyEncryption.compareTo(KEY_MAX_AGE) <= 0 && cookies.compareTo(KEY_MAX_AGE) <= 0;
    return fresh ? Result.pass(detail) : Result.fail(detail + "; is the key rotation job running?");
  }

  /** A leased job is scheduled when it last succeeded within twice its interval. */
  private Result job(String job, Duration interval) {
    Duration limit = interval.multipliedBy(2);
    Optional<Instant> last = confide.leases.lastSuccess(job);
    if (last.isEmpty()) {
      return Result.fail("'" + job + "' has never succeeded; the server runs it every " + age(interval));
    }
    Duration since = Duration.between(last.get(), confide.clock.instant());
    String detail = "'" + job + "' last succeeded " + age(since) + " ago (runs every " + age(interval) + ")";
    return since.compareTo(limit) <= 0 ? Result.pass(detail) : Result.fail(detail + ", more than twice its interval");
  }

  /** Nothing has been past its retention for longer than two sweep intervals. */
  private Result sweepsOnTime() {
    Duration grace = sweepInterval().multipliedBy(2);
    RetentionSweeps.Report due = confide.retention.due(confide.clock.instant().minus(grace));
    Map<String, Integer> late = new LinkedHashMap<>();
    late.put("idle conversations", due.conversationsExpired());
    late.put("usage records", due.usageRecordsExpired());
    late.put("erased subjects not purged", due.subjectsPurged());
    late.put("addresses not truncated", due.addressesTruncated());
    late.put("access log entries", due.accessLogsExpired());
    late.put("expired export archives", due.archivesExpired());
    late.put("ended sessions", due.sessionsEnded());
    List<String> behind = new ArrayList<>();
    late.forEach((what, n) -> {
      if (n > 0) {
        behind.add(n + " " + what);
      }
    });
    return behind.isEmpty()
        ? Result.pass("nothing is past its retention by more than " + age(grace))
        : Result.fail("past their retention by more than " + age(grace) + ": " + String.join(", ", behind));
  }

  private Result tls() {
    ConfideConfig.Server server = confide.config.server();
    if (servingTls) {
      List<String> problems = new ArrayList<>();
      if (!server.tls().namedGroups().contains("secp521r1")) {
        problems.add("P-521 (secp521r1) is not among server.tls.namedGroups");
      }
      if (server.tls().hstsMaxAgeSeconds() <= 0) {
        problems.add("HSTS is off (server.tls.hstsMaxAgeSeconds)");
      }
      return problems.isEmpty()
          ? Result.pass("HTTPS served here, P-521 key exchange offered, HSTS max-age " + server.tls().hstsMaxAgeSeconds() + " s")
          : Result.fail(String.join("; ", problems));
    }
    if (server.secureCookies()) {
      return Result.pass("plain HTTP behind a TLS proxy (server.secureCookies); the proxy's own TLS settings are not checked here");
    }
    return Result.fail("plain HTTP: enable server.tls, or terminate TLS in a proxy and set server.secureCookies");
  }

  private Result auditChain() {
    AuditVerification v = confide.auditLog.verify();
    return v.valid()
        ? Result.pass(v.entriesChecked() + " entries verify")
        : Result.fail("the chain breaks at entry " + v.firstBadSeq() + ": " + v.problem());
  }

  private Result piiReady() {
    boolean found = confide.piiDetector.detect(PII_PROBE).stream().anyMatch(e -> e.type().equals(EntityTypes.EMAIL_ADDRESS));
    return found
        ? Result.pass("the PII engine finds an e-mail address in a probe; the shield fails closed after "
            + confide.config.pii().shieldTimeoutMs() + " ms")
        : Result.fail("the PII engine missed the e-mail address in its probe");
  }

  /**
   * P15 lets personal data reach a model provider only with the subject's recorded consent, which
   * switches the shield off for that subject alone; a provider configured with {@code shield: off}
   * would take it from everyone without asking.
   */
  private Result shieldOn() {
    List<String> off = confide.config.providers().stream().filter(p -> "off".equals(p.shield())).map(ConfideConfig.Provider::name).toList();
    if (!off.isEmpty()) {
      return Result.fail("the PII shield is off for " + String.join(", ", off)
          + ": personal data would reach them without consent (set shield: redact or pseudonymize)");
    }
    return Result.pass(confide.config.providers().size() + " upstream provider(s), each with the PII shield on; "
        + "only a subject's recorded consent switches it off");
  }

  /**
   * Each configured model provider matches a {@code model_provider} processor of the policy: the
   * one named like it or listing it among its examples, else a processor that stands for model
   * providers in general. A provider said to have a BAA must match a processor the policy says has one.
   */
  /**
   * Start-up refuses a provider bound to no registered processor ({@link OutboundProcessors}), so
   * what is left to see is a provider claiming a BAA its processor in the policy does not have.
   */
  private Result processorsRegistered() {
    List<String> unmatched = new ArrayList<>();
    for (ConfideConfig.Provider provider : confide.config.providers()) {
      Optional<dev.confide.disclosure.Processor> processor =
          confide.processors.registry().find(confide.processors.modelProviders().get(provider.name()));
      if (processor.isEmpty()) {
        unmatched.add(provider.name() + " matches no model_provider processor");
      } else if (provider.baa() && !processor.get().baa()) {
        unmatched.add(provider.name() + " is configured with a BAA but the policy's '" + processor.get().name() + "' has none");
      }
    }
    if (!unmatched.isEmpty()) {
      return Result.fail(String.join("; ", unmatched));
    }
    return Result.pass(confide.config.providers().isEmpty()
        ? "no outside model providers configured"
        : confide.config.providers().size() + " model providers, each listed in the policy");
  }

  private Result mailOutbox() {
    Instant now = confide.clock.instant();
    MailDispatcher.Backlog backlog = confide.mailDispatcher.backlog(now.minus(MAIL_FAILURE_WINDOW), now.minus(MAIL_MAX_WAIT));
    if (backlog.failed() == 0 && backlog.stuck() == 0) {
      return Result.pass("no mail failed in the last day; none waiting past " + age(MAIL_MAX_WAIT));
    }
    return Result.fail(backlog.failed() + " mails failed in the last day, " + backlog.stuck() + " due more than "
        + age(MAIL_MAX_WAIT) + " ago and not sent");
  }

  private Result ageGate() {
    int enforced = confide.accounts.minimumAge();
    int promised = confide.policy.minimumAge();
    String detail = "sign-up requires age " + enforced + "; the policy states " + promised;
    return enforced >= promised ? Result.pass(detail) : Result.fail(detail);
  }

  private Result rateLimits() {
    ConfideConfig.RateLimits limits = confide.config.rateLimits();
    boolean set = positive(limits.perSubject()) && positive(limits.perApiKey());
    String detail = String.format(Locale.ROOT, "per subject %d requests and %d tokens a minute; per API key %d and %d",
        limits.perSubject().requestsPerMinute(), limits.perSubject().tokensPerMinute(),
        limits.perApiKey().requestsPerMinute(), limits.perApiKey().tokensPerMinute());
    return set ? Result.pass(detail) : Result.fail(detail);
  }

  private static boolean positive(ConfideConfig.Limit limit) {
    return limit.requestsPerMinute() > 0 && limit.tokensPerMinute() > 0;
  }

  private Duration sweepInterval() {
    return Duration.ofMinutes(confide.config.retention().runEveryMinutes());
  }

  private static String age(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " d";
    }
    return d.toHours() >= 1 ? d.toHours() + " h" : Math.max(0, d.toMinutes()) + " min";
  }
}
