package dev.confide.notify;

import dev.confide.identity.EmailVerification;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The mail of e-mail verification, as legal mail (it goes whatever the preferences and whether or
 * not the address is verified): the code to the address being verified, and the notice to the
 * address an account left. Both go to the address named, not the stored one, which at that moment
 * is the other address or not yet committed.
 */
public final class VerificationMail implements EmailVerification.Mailer {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  private final Outbox outbox;

  public VerificationMail(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void code(Handle handle, UUID subject, String address, String code, Duration validFor) {
    outbox.enqueueTo(handle, subject, address, MailKind.LEGAL, "email_verification",
        Map.of("code", code, "hours", String.valueOf(validFor.toHours())));
  }

  @Override
  public void addressChanged(Handle handle, UUID subject, String oldAddress, Instant at) {
    outbox.enqueueTo(handle, subject, oldAddress, MailKind.LEGAL, "email_changed", Map.of("changedAt", WHEN.format(at)));
  }
}
