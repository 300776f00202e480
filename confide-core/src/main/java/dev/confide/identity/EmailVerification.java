package dev.confide.identity;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Proof that an account's e-mail address reaches its person: a code of {@link #CODE_DIGITS} digits
 * mailed to the address and typed back. Sign-up mails one to the address given. An address change
 * waits, the old address still in force for log-in and mail, until the code mailed to the new one
 * comes back; then the old address is told. While an address is unverified only legal mail goes to
 * it (the outbox asks {@link MailRecipients#addressVerified}), so nobody can sign a stranger up for
 * marketing mail, and a mistyped address gets nothing but what the law requires.
 *
 * <p>Owns {@code email_verifications}, one row per subject: the code and a pending new address
 * sealed with the subject's key, the new address's blind index, the wrong tries and the codes mailed
 * this hour. Every step locks the account's row first, so one subject's steps never interleave.
 */
public final class EmailVerification {
  public static final int CODE_DIGITS = 8;
  public static final Duration CODE_VALID = Duration.ofHours(24);
  /** Wrong tries that void a code. */
  public static final int MAX_ATTEMPTS = 5;
  /**
   * Codes one subject may have mailed within an hour, counting sign-up, changes and resends: each
   * one lands in a mailbox that may be a stranger's.
   */
  public static final int CODES_PER_HOUR = 5;
  private static final Duration CODE_WINDOW = Duration.ofHours(1);
  private static final String TABLE = "email_verifications";

  /**
   * Sends what verification mails, in the caller's transaction, so a code is mailed exactly when the
   * step that made it commits. The composition root wires it to the outbox as legal mail.
   */
  public interface Mailer {
    /** The code, to {@code address}: the account's own or the one it is changing to. */
    void code(Handle handle, UUID subject, String address, String code, Duration validFor);

    /** Tells the address the account just left that it left, without naming the new one. */
    void addressChanged(Handle handle, UUID subject, String oldAddress, Instant at);
  }

  private final Jdbi jdbi;
  private final Accounts accounts;
  private final SubjectKeys subjectKeys;
  private final Mailer mailer;
  private final Clock clock;

  public EmailVerification(Jdbi jdbi, Accounts accounts, SubjectKeys subjectKeys, Mailer mailer, Clock clock) {
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.subjectKeys = subjectKeys;
    this.mailer = mailer;
    this.clock = clock;
  }

  /** Signs the person up ({@link Accounts#signUp}) and mails a code to their address in the same transaction. */
  public UUID signUp(NewAccount account) {
    return accounts.signUp(account, (h, subject, email) -> issue(h, subject, email, false));
  }

  /**
   * A correction (P24) and, with {@code newEmail}, an address change, in one transaction. The change
   * is recorded and its code mailed to the new address; the account keeps its address until the code
   * comes back. The current address as {@code newEmail} takes a pending change back.
   *
   * @throws Problem 409 {@code email_taken} when another account has the new address, 429
   *     {@code rate_limited} past {@link #CODES_PER_HOUR}
   */
  public Profile correct(UUID subject, ProfileChanges changes, Optional<String> newEmail) {
    Optional<String> email = newEmail.map(EmailAddress::normalize);
    return jdbi.inTransaction(h -> {
      if (email.isPresent()) {
        requestChange(h, subject, email.get());
      }
      return accounts.correct(h, subject, changes);
    });
  }

  /**
   * Mails a new code, which replaces the one before: to the pending new address, else to the
   * current one if it is unverified.
   *
   * @throws Problem 409 {@code already_verified} when there is nothing to verify, 429 {@code rate_limited}
   */
  public void resend(UUID subject) {
    jdbi.useTransaction(h -> {
      Accounts.Address current = lock(h, subject);
      Optional<String> change = pendingChange(h, subject);
      if (change.isPresent()) {
        issue(h, subject, change.get(), true);
      } else if (!current.verified()) {
        issue(h, subject, current.email(), false);
      } else {
        throw alreadyVerified();
      }
    });
  }

  /**
   * The code typed back. For the current address it marks the address verified; for a pending change
   * it puts the new address in (verified) and tells the old one.
   *
   * @return the profile as it now stands
   * @throws Problem 400 {@code invalid_code} (not {@link #CODE_DIGITS} digits; no try counted), 403
   *     {@code wrong_code}, {@code verification_failed} (the last try: the code is void), {@code code_expired},
   *     409 {@code no_code}, {@code already_verified}, {@code email_taken} (another account took the new
   *     address meanwhile: the change is void)
   */
  public Profile verify(UUID subject, String code) {
    String typed = code == null ? "" : code.strip();
    if (typed.length() != CODE_DIGITS || !typed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw Problem.invalid("invalid_code", "the code is the " + CODE_DIGITS + " digits from the mail");
    }
    Outcome outcome = jdbi.inTransaction(h -> attempt(h, subject, typed));
    return switch (outcome) {
      case VERIFIED -> accounts.profile(subject).orElseThrow(() -> Problem.notFound("no such account"));
      case WRONG -> throw new Problem(Problem.Kind.FORBIDDEN, "wrong_code", "the code does not match");
      case EXHAUSTED -> throw new Problem(Problem.Kind.FORBIDDEN, "verification_failed",
          "the code does not match and was tried " + MAX_ATTEMPTS + " times: it no longer works; ask for a new one");
      case EXPIRED -> throw new Problem(Problem.Kind.FORBIDDEN, "code_expired", "the code has expired; ask for a new one");
      case NO_CODE -> throw new Problem(Problem.Kind.CONFLICT, "no_code", "no code is waiting; ask for a new one");
      case ALREADY_VERIFIED -> throw alreadyVerified();
      case TAKEN -> throw new Problem(Problem.Kind.CONFLICT, "email_taken",
          Accounts.EMAIL_TAKEN + "; the change was cancelled and your address is unchanged");
    };
  }

  /** Deletes the subject's row (erasure): the code and a pending address go with the subject. */
  public int forgetSubject(Handle handle, UUID subject) {
    return handle.createUpdate("DELETE FROM email_verifications WHERE subject_id = :s").bind("s", subject).execute();
  }

  /** How one typed code went; decided and recorded in one transaction, answered after it commits. */
  private enum Outcome { VERIFIED, WRONG, EXHAUSTED, EXPIRED, NO_CODE, ALREADY_VERIFIED, TAKEN }

  private record Pending(byte[] sealedCode, byte[] sealedNewEmail, byte[] newEmailIndex, int attempts, Instant expiresAt) {}

  private Outcome attempt(Handle h, UUID subject, String typed) {
    Accounts.Address current = lock(h, subject);
    Optional<Pending> found = h.createQuery("""
            SELECT code_sealed, new_email_sealed, new_email_index, attempts, expires_at
            FROM email_verifications WHERE subject_id = :s AND code_sealed IS NOT NULL""")
        .bind("s", subject)
        .map((rs, ctx) -> new Pending(rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), rs.getInt(4),
            rs.getObject(5, OffsetDateTime.class).toInstant()))
        .findOne();
    if (found.isEmpty()) {
      return current.verified() ? Outcome.ALREADY_VERIFIED : Outcome.NO_CODE;
    }
    Pending pending = found.get();
    Instant now = clock.instant();
    if (now.isAfter(pending.expiresAt())) {
      return Outcome.EXPIRED;
    }
    Sealer sealer = subjectKeys.sealer(subject);
    byte[] expected = sealer.openString(codeField(subject), pending.sealedCode()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, typed.getBytes(StandardCharsets.UTF_8))) {
      if (pending.attempts() + 1 >= MAX_ATTEMPTS) {
        voidCode(h, subject, false);
        return Outcome.EXHAUSTED;
      }
      h.createUpdate("UPDATE email_verifications SET attempts = attempts + 1 WHERE subject_id = :s").bind("s", subject).execute();
      return Outcome.WRONG;
    }
    if (pending.sealedNewEmail() == null) {
      accounts.markVerified(h, subject, now);
    } else {
      // Checked under the lock; a sign-up committing in between still meets the unique index (409, rolled back).
      if (accounts.addressInUse(h, pending.newEmailIndex())) {
        voidCode(h, subject, false);
        return Outcome.TAKEN;
      }
      accounts.replaceEmail(h, subject, openNewEmail(sealer, subject, pending.sealedNewEmail()), pending.newEmailIndex(), now);
      mailer.addressChanged(h, subject, current.email(), now);
    }
    forgetSubject(h, subject);
    return Outcome.VERIFIED;
  }

  private void requestChange(Handle h, UUID subject, String email) {
    Accounts.Address current = lock(h, subject);
    if (current.email().equals(email)) {
      voidCode(h, subject, true);
      return;
    }
    // Tells whether another account has the address: the HTTP layer throttles changes as it throttles log-in.
    if (accounts.addressInUse(h, accounts.emailIndex(email))) {
      throw new Problem(Problem.Kind.CONFLICT, "email_taken", Accounts.EMAIL_TAKEN);
    }
    issue(h, subject, email, true);
  }

  /** Mails a fresh code to {@code address} (the new one when {@code change}) and keeps it, replacing any before. */
  private void issue(Handle h, UUID subject, String address, boolean change) {
    record Window(Instant started, int codes) {}
    Instant now = clock.instant();
    Optional<Window> window = h.createQuery("SELECT window_started_at, codes_in_window FROM email_verifications WHERE subject_id = :s")
        .bind("s", subject)
        .map((rs, ctx) -> new Window(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getInt(2)))
        .findOne()
        .filter(w -> now.isBefore(w.started().plus(CODE_WINDOW)));
    if (window.isPresent() && window.get().codes() >= CODES_PER_HOUR) {
      long wait = Math.max(1, Duration.between(now, window.get().started().plus(CODE_WINDOW)).toSeconds() + 1);
      throw new Problem(Problem.Kind.RATE_LIMITED, "rate_limited",
          "at most " + CODES_PER_HOUR + " codes an hour; try again in " + wait + " seconds", wait);
    }
    String code = Secrets.digits(CODE_DIGITS);
    Sealer sealer = subjectKeys.sealer(subject);
    // One row per subject, replaced whole: the account's row is locked, so nothing races the insert.
    forgetSubject(h, subject);
    h.createUpdate("""
            INSERT INTO email_verifications (subject_id, code_sealed, new_email_sealed, new_email_index, attempts,
                                             expires_at, created_at, window_started_at, codes_in_window)
            VALUES (:s, :code, :email, :index, 0, :expires, :now, :started, :codes)""")
        .bind("s", subject)
        .bind("code", sealer.sealString(codeField(subject), code))
        .bind("email", change ? sealer.sealString(newEmailField(subject), address) : null)
        .bind("index", change ? accounts.emailIndex(address) : null)
        .bind("expires", now.plus(CODE_VALID))
        .bind("now", now)
        .bind("started", window.map(Window::started).orElse(now))
        .bind("codes", window.map(w -> w.codes() + 1).orElse(1))
        .execute();
    mailer.code(h, subject, address, code, CODE_VALID);
  }

  /**
   * Voids the code and a pending change (with {@code changeOnly}, only a code for a change) but keeps
   * the row, so the codes mailed this hour still count.
   */
  private static void voidCode(Handle h, UUID subject, boolean changeOnly) {
    h.createUpdate("""
            UPDATE email_verifications SET code_sealed = NULL, new_email_sealed = NULL, new_email_index = NULL,
                   expires_at = NULL
            WHERE subject_id = :s""" + (changeOnly ? " AND new_email_sealed IS NOT NULL" : ""))
        .bind("s", subject).execute();
  }

  private Optional<String> pendingChange(Handle h, UUID subject) {
    return h.createQuery("SELECT new_email_sealed FROM email_verifications WHERE subject_id = :s AND new_email_sealed IS NOT NULL")
        .bind("s", subject)
        .mapTo(byte[].class)
        .findOne()
        .map(sealed -> openNewEmail(subjectKeys.sealer(subject), subject, sealed));
  }

  private Accounts.Address lock(Handle h, UUID subject) {
    return accounts.lockAddress(h, subject).orElseThrow(() -> Problem.notFound("no such account"));
  }

  private static Problem alreadyVerified() {
    return new Problem(Problem.Kind.CONFLICT, "already_verified", "the address is verified and no change of it is waiting");
  }

  /** Opens a pending new address (for the profile, which shows it). */
  static String openNewEmail(Sealer sealer, UUID subject, byte[] sealed) {
    return sealer.openString(newEmailField(subject), sealed);
  }

  private static FieldRef codeField(UUID subject) {
    return FieldRef.of(TABLE, "code", subject);
  }

  private static FieldRef newEmailField(UUID subject) {
    return FieldRef.of(TABLE, "new_email", subject);
  }
}
