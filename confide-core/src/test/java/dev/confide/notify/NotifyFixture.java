package dev.confide.notify;

import dev.confide.consent.SettingsDefaults;
import dev.confide.consent.SubjectSettings;
import dev.confide.identity.EmailVerification;
import dev.confide.identity.MailRecipients;
import dev.confide.identity.NewAccount;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The notify services over an {@link IdentityFixture}, wired as the composition root would. */
final class NotifyFixture implements AutoCloseable {
  static final String FROM = "Canary Service <privacy@service.example>";
  static final Map<String, String> DEFAULTS =
      Map.of("service", "Canary Service", "privacyUrl", "https://service.example/privacy", "contact", "privacy@service.example");
  /** Short waits so tests move the clock by minutes, not hours. */
  static final MailDispatcher.Settings DISPATCH =
      new MailDispatcher.Settings(10, 4, Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(5));

  final IdentityFixture identity;
  final MutableClock clock;
  final Jdbi jdbi;
  final SubjectSettings settings;
  final MailTemplates templates = new MailTemplates(DEFAULTS);
  final MailRecipients recipients;
  final Outbox outbox;
  final Notices notices;
  final EmailVerification verification;

  private NotifyFixture(IdentityFixture identity) {
    this.identity = identity;
    this.clock = identity.crypto.clock;
    this.jdbi = identity.crypto.database.jdbi();
    this.settings = new SubjectSettings(jdbi, identity.accounts, new SettingsDefaults(90, true, false), clock);
    this.recipients = new MailRecipients(identity.crypto.subjectKeys);
    this.outbox = new Outbox(jdbi, identity.crypto.subjectKeys, recipients, settings, templates, clock);
    this.notices = new Notices(jdbi, identity.crypto.subjectKeys, clock);
    this.verification = new EmailVerification(jdbi, identity.accounts, identity.crypto.subjectKeys, new VerificationMail(outbox), clock);
  }

  static NotifyFixture open(TestBackend backend, Path tmp) throws Exception {
    return new NotifyFixture(IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-02T09:00:00Z")));
  }

  UUID account(String name, String email) {
    return identity.accounts.signUp(new NewAccount(name, email, "a long passphrase 42".toCharArray(), LocalDate.of(1990, 5, 17)));
  }

  /**
   * An account whose address is verified as a person verifies it: signed up through the flow that
   * mails a code, and the code read from the body of that queued mail.
   */
  UUID verifiedAccount(String name, String email) {
    UUID subject = verification.signUp(new NewAccount(name, email, "a long passphrase 42".toCharArray(), LocalDate.of(1990, 5, 17)));
    String body = jdbi.withHandle(h -> h.createQuery(
            "SELECT id, body_sealed FROM mail_outbox WHERE subject_id = :s AND template = 'email_verification'")
        .bind("s", subject)
        .map((rs, ctx) -> identity.crypto.subjectKeys.sealer(subject)
            .openString(Outbox.field("body", rs.getObject(1, UUID.class)), rs.getBytes(2)))
        .one());
    java.util.regex.Matcher code = java.util.regex.Pattern.compile("\\b(\\d{8})\\b").matcher(body);
    if (!code.find()) {
      throw new IllegalStateException("the sign-up mail holds no code");
    }
    verification.verify(subject, code.group(1));
    return subject;
  }

  MailDispatcher dispatcher(MailTransport transport) {
    return new MailDispatcher(jdbi, identity.crypto.subjectKeys, transport, DISPATCH, clock);
  }

  PolicyVersions policyVersions(int batchSize) {
    return new PolicyVersions(jdbi, recipients, notices, outbox, batchSize, clock);
  }

  NotifyErasure erasure(MailTransport transport) {
    return new NotifyErasure(outbox, notices, transport);
  }

  UUID verificationCode(UUID subject, String code) {
    return outbox.enqueue(subject, MailKind.LEGAL, "verification_code", Map.of("code", code, "minutes", "15"));
  }

  Outbox.MailRecord mail(UUID id) {
    return outbox.find(id).orElseThrow();
  }

  /** Every value of every row of the table as one string, bytes read as Latin-1 (for canary searches). */
  String dump(String table) {
    List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery("SELECT * FROM " + table).mapToMap().list());
    StringBuilder all = new StringBuilder();
    rows.forEach(row -> row.values().forEach(v ->
        all.append(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : String.valueOf(v)).append('|')));
    return all.toString();
  }

  long count(String table, UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE subject_id = :s")
        .bind("s", subject).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    identity.close();
  }
}
