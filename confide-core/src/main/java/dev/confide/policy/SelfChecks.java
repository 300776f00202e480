package dev.confide.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The running deployment's own checks that the machinery behind the promises is working (jobs
 * scheduled, keys fresh, sweeps on time...). The server implements them; {@link PolicyVerifier}
 * asks for the ones each promise relies on, by name.
 */
@FunctionalInterface
public interface SelfChecks {
  /** The key-encryption keyring has a primary version from the last day (P01, P18, P19). */
  String KEYS_FRESH = "keys.fresh";
  /** The daily key rotation job, which also destroys versions older than the deletion window, is scheduled. */
  String KEY_ROTATION_JOB = "job.key-rotation";
  /** The retention sweeps are scheduled. */
  String RETENTION_JOB = "job.retention";
  /** The last retention sweep finished within its interval. */
  String SWEEPS_ON_TIME = "sweeps.on-time";
  /** HTTPS is served with a P-521 certificate and key exchange, with HSTS (P20). */
  String TLS = "tls";
  /** The audit log's hash chain verifies (P16, P21, P22). */
  String AUDIT_CHAIN = "audit.chain";
  /** The PII engine is loaded and the shield fails closed (P05, P13, P15, P31). */
  String PII_READY = "pii.ready";
  /** No upstream model provider has its PII shield off; only a subject's recorded consent lifts it (P15). */
  String SHIELD_ON = "shield.on";
  /** Every configured outbound recipient (model providers, mail, analytics) is a processor in the policy (P14, P36). */
  String PROCESSORS_REGISTERED = "processors.registered";
  /** Mail can be delivered: the outbox is configured and draining (P30, P33, P35, P37). */
  String MAIL_OUTBOX = "mail.outbox";
  /** The job that reminds staff of privacy-request deadlines is scheduled (P30). */
  String REQUEST_DEADLINES_JOB = "job.request-deadlines";
  /** The sign-up age gate uses the policy's minimum age (P34). */
  String AGE_GATE = "age-gate";
  /** Rate limits are configured for subjects and API keys (P40). */
  String RATE_LIMITS = "rate-limits";

  /** Every name above; a complete implementation answers each. */
  List<String> NAMES = List.of(KEYS_FRESH, KEY_ROTATION_JOB, RETENTION_JOB, SWEEPS_ON_TIME, TLS, AUDIT_CHAIN, PII_READY,
      SHIELD_ON, PROCESSORS_REGISTERED, MAIL_OUTBOX, REQUEST_DEADLINES_JOB, AGE_GATE, RATE_LIMITS);

  /** The outcome of one check; {@code detail} says what was seen and never holds personal data. */
  record Result(boolean passed, String detail) {
    public static Result pass(String detail) {
      return new Result(true, detail);
    }

    public static Result fail(String detail) {
      return new Result(false, detail);
    }
  }

  /** Runs the named check now; empty when this deployment does not implement it. */
  Optional<Result> run(String name);

  /** Checks made of named suppliers (the server's wiring, or a test's). */
  static SelfChecks of(Map<String, Supplier<Result>> checks) {
    Map<String, Supplier<Result>> copy = Map.copyOf(checks);
    return name -> Optional.ofNullable(copy.get(name)).map(Supplier::get);
  }
}
