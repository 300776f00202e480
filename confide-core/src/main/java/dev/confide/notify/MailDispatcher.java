package dev.confide.notify;

import dev.confide.crypto.CannotOpenException;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due mail from the outbox. Each run claims a batch: a conditional update moves a row to
 * {@code sending} under this dispatcher's name for a lease, and only one dispatcher's update can
 * match, so several instances may run this side by side without sending a mail twice. A failure
 * is retried with exponential backoff; after {@code maxAttempts} the mail is {@code failed}. A
 * dispatcher that dies mid-send leaves a claim that expires with its lease, after which another
 * one sends the mail (at least once: the stable Message-ID lets receivers drop a duplicate).
 */
public final class MailDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(MailDispatcher.class);
  private static final String DUE = "((status = 'pending' AND next_attempt_at <= :now) OR (status = 'sending' AND lease_until < :now))";
  /** Why a mail to an erased subject was dropped: expected, so not a delivery failure. */
  private static final String RECIPIENT_ERASED = "recipient erased";

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final MailTransport transport;
  private final Settings settings;
  private final Clock clock;
  private final String holder = "mail-" + UUID.randomUUID();

  /**
   * @param batchSize mails claimed per run
   * @param maxAttempts attempts before a mail is marked failed
   * @param firstRetry wait after the first failure; doubled after each further one
   * @param maxRetry the longest wait between attempts
   * @param lease how long a claim holds; longer than a batch takes to send
   */
  public record Settings(int batchSize, int maxAttempts, Duration firstRetry, Duration maxRetry, Duration lease) {
    public Settings {
      if (batchSize < 1 || maxAttempts < 1 || firstRetry.isNegative() || firstRetry.isZero()
          || maxRetry.compareTo(firstRetry) < 0 || lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("invalid mail dispatcher settings");
      }
    }

    public static Settings defaults() {
      return new Settings(50, 8, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofMinutes(5));
    }
  }

  /** What one run did. */
  public record Report(int sent, int retrying, int failed) {
    public int claimed() {
      return sent + retrying + failed;
    }
  }

  private record Claimed(UUID id, UUID subject, int attempts, byte[] to, byte[] subjectLine, byte[] body) {}

  public MailDispatcher(Jdbi jdbi, SubjectKeys subjectKeys, MailTransport transport, Settings settings, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.transport = transport;
    this.settings = settings;
    this.clock = clock;
  }

  /** Claims and sends one batch of due mail; call it periodically. */
  public Report runOnce() {
    List<Claimed> batch = claim();
    int sent = 0;
    int retrying = 0;
    int failed = 0;
    try (Handover handover = new Handover()) {
      for (Claimed row : batch) {
        Optional<OutgoingMail> mail = open(row);
        if (mail.isEmpty()) {
          // The subject was erased while the mail waited; it can no longer be read by anyone.
          giveUp(row, RECIPIENT_ERASED);
          failed++;
          continue;
        }
        try {
          handover.send(mail.get());
          markSent(row);
          sent++;
        } catch (MailDeliveryException e) {
          String error = describe(e);
          LOG.warn("mail {} not delivered (attempt {}): {}", row.id(), row.attempts(), error);
          if (e.permanent() || row.attempts() >= settings.maxAttempts()) {
            giveUp(row, error);
            failed++;
          } else {
            retryLater(row, error);
            retrying++;
          }
        }
      }
    }
    return new Report(sent, retrying, failed);
  }

  /**
   * One connection for a batch, opened on first use and again after a failed send. When the relay
   * cannot be reached at all, the rest of the batch fails at once instead of waiting for a connect
   * timeout per mail.
   */
  private final class Handover implements AutoCloseable {
    private MailTransport.Connection connection;
    private MailDeliveryException unreachable;

    void send(OutgoingMail mail) throws MailDeliveryException {
      if (unreachable != null) {
        throw unreachable;
      }
      if (connection == null) {
        try {
          connection = transport.connect();
        } catch (MailDeliveryException e) {
          unreachable = e;
          throw e;
        }
      }
      try {
        connection.send(mail);
      } catch (MailDeliveryException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
  }

  /**
   * Whether mail is getting out (the {@code mail.outbox} self-check).
   *
   * @param failed mails given up since the time asked for, not counting those to erased subjects
   * @param stuck mails due before the time asked for and still not sent: nobody is dispatching
   */
  public record Backlog(int failed, int stuck) {}

  /** Mail that failed for good since {@code failedSince}, and mail due before {@code dueBefore} that is still waiting. */
  public Backlog backlog(Instant failedSince, Instant dueBefore) {
    return jdbi.withHandle(h -> new Backlog(
        h.createQuery("""
                SELECT COUNT(*) FROM mail_outbox
                WHERE status = 'failed' AND next_attempt_at >= :since AND (last_error IS NULL OR last_error <> :erased)""")
            .bind("since", failedSince).bind("erased", RECIPIENT_ERASED).mapTo(Integer.class).one(),
        h.createQuery("SELECT COUNT(*) FROM mail_outbox WHERE " + DUE).bind("now", dueBefore).mapTo(Integer.class).one()));
  }

  /** The wait before the next attempt after {@code attempts} failed ones: 1, 2, 4, ... times the first. */
  Duration backoff(int attempts) {
    int doublings = Math.min(attempts - 1, 30);
    Duration wait = settings.firstRetry().multipliedBy(1L << doublings);
    return wait.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : wait;
  }

  private List<Claimed> claim() {
    Instant now = clock.instant();
    return jdbi.withHandle(h -> {
      List<UUID> due = h.createQuery("SELECT id FROM mail_outbox WHERE " + DUE + " ORDER BY next_attempt_at, id LIMIT :n")
          .bind("now", now).bind("n", settings.batchSize()).mapTo(UUID.class).list();
      List<Claimed> claimed = new ArrayList<>();
      for (UUID id : due) {
        // Re-checks the condition on the row itself: of two dispatchers, only one update matches.
        int won = h.createUpdate("""
                UPDATE mail_outbox SET status = 'sending', lease_holder = :holder, lease_until = :until,
                       attempts = attempts + 1
                WHERE id = :id AND""" + " " + DUE)
            .bind("holder", holder).bind("until", now.plus(settings.lease())).bind("id", id).bind("now", now)
            .execute();
        if (won == 1) {
          load(h, id).ifPresent(claimed::add);
        }
      }
      return claimed;
    });
  }

  private Optional<Claimed> load(Handle h, UUID id) {
    return h.createQuery("""
            SELECT subject_id, attempts, recipient_sealed, subject_line_sealed, body_sealed FROM mail_outbox
            WHERE id = :id AND lease_holder = :holder""")
        .bind("id", id).bind("holder", holder)
        .map((rs, ctx) -> new Claimed(id, rs.getObject(1, UUID.class), rs.getInt(2), rs.getBytes(3), rs.getBytes(4),
            rs.getBytes(5)))
        .findOne();
  }

  /** The mail in clear, or empty when it no longer opens (the subject's key was destroyed). */
  private Optional<OutgoingMail> open(Claimed row) {
    if (row.to() == null || row.subjectLine() == null || row.body() == null) {
      return Optional.empty();
    }
    Sealer sealer = subjectKeys.sealer(row.subject());
    try {
      return Optional.of(new OutgoingMail(row.id(), row.subject(),
          sealer.openString(Outbox.field("recipient", row.id()), row.to()),
          sealer.openString(Outbox.field("subject_line", row.id()), row.subjectLine()),
          sealer.openString(Outbox.field("body", row.id()), row.body()),
          clock.instant()));
    } catch (CannotOpenException e) {
      return Optional.empty();
    }
  }

  private void markSent(Claimed row) {
    int updated = jdbi.withHandle(h -> h.createUpdate("""
            UPDATE mail_outbox SET status = 'sent', sent_at = :now, recipient_sealed = NULL, subject_line_sealed = NULL,
                   body_sealed = NULL, lease_holder = NULL, lease_until = NULL, last_error = NULL
            WHERE id = :id AND lease_holder = :holder""")
        .bind("now", clock.instant()).bind("id", row.id()).bind("holder", holder).execute());
    if (updated == 0 && !exists(row.id())) {
      // Erased while we were sending: the row went with the subject, so must any local copy.
      transport.forgetSubject(row.subject());
    }
  }

  private void retryLater(Claimed row, String error) {
    Instant next = clock.instant().plus(backoff(row.attempts()));
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE mail_outbox SET status = 'pending', next_attempt_at = :next, lease_holder = NULL, lease_until = NULL,
                   last_error = :error
            WHERE id = :id AND lease_holder = :holder""")
        .bind("next", next).bind("error", error).bind("id", row.id()).bind("holder", holder).execute());
  }

  /** A mail that will never go keeps its metadata only, like a sent one. */
  private void giveUp(Claimed row, String error) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE mail_outbox SET status = 'failed', recipient_sealed = NULL, subject_line_sealed = NULL,
                   body_sealed = NULL, lease_holder = NULL, lease_until = NULL, last_error = :error
            WHERE id = :id AND lease_holder = :holder""")
        .bind("error", error).bind("id", row.id()).bind("holder", holder).execute());
  }

  private boolean exists(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM mail_outbox WHERE id = :id")
        .bind("id", id).mapTo(Integer.class).one() > 0);
  }

  /** Our message and the cause's type: relay replies can quote addresses, so their text is left out. */
  private static String describe(MailDeliveryException e) {
    String text = e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")");
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}
