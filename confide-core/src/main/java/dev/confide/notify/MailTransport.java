package dev.confide.notify;

import java.util.UUID;

/**
 * Hands rendered mail over to the world: an SMTP relay ({@link SmtpTransport}) or files
 * ({@link FileTransport}). The dispatcher opens one connection per batch.
 */
public interface MailTransport {

  Connection connect() throws MailDeliveryException;

  /**
   * Deletes whatever copies of the subject's mail this transport keeps locally (erasure). A relay
   * keeps none; the file transport deletes the subject's .eml files.
   */
  default void forgetSubject(UUID subject) {}

  /** An open connection; sends one mail at a time. */
  interface Connection extends AutoCloseable {
    void send(OutgoingMail mail) throws MailDeliveryException;

    @Override
    void close();
  }
}
