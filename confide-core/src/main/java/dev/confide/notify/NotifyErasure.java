package dev.confide.notify;

import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Forgets a subject's mail and notices (P25): the outbox rows and notices in the caller's
 * transaction, and the transport's local copies (.eml files) once that transaction commits. Call it
 * from erasure and again from the purge, which also catches a file written by a send that was
 * already under way when the subject was erased.
 */
public final class NotifyErasure {
  private final Outbox outbox;
  private final Notices notices;
  private final MailTransport transport;

  public NotifyErasure(Outbox outbox, Notices notices, MailTransport transport) {
    this.outbox = outbox;
    this.notices = notices;
    this.transport = transport;
  }

  /** @return how many rows (mails and notices) were deleted */
  public int forgetSubject(Handle handle, UUID subject) {
    int rows = outbox.deleteSubject(handle, subject) + notices.deleteSubject(handle, subject);
    if (handle.isInTransaction()) {
      handle.afterCommit(() -> transport.forgetSubject(subject));
    } else {
      transport.forgetSubject(subject);
    }
    return rows;
  }
}
