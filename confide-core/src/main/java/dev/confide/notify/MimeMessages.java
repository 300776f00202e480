package dev.confide.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;

/** Builds the RFC 5322 message both transports send or write. */
final class MimeMessages {
  private MimeMessages() {}

  /** Parses a configured sender such as {@code "Confide <privacy@example.com>"}. */
  static InternetAddress sender(String from) {
    try {
      return new InternetAddress(from, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("the mail from address is not a valid address", e);
    }
  }

  static MimeMessage build(Session session, InternetAddress from, OutgoingMail mail) throws MessagingException {
    String domain = from.getAddress().substring(from.getAddress().indexOf('@') + 1);
    // A stable Message-ID per outbox row lets receivers drop the duplicate of a retried mail.
    MimeMessage message = new IdentifiedMessage(session, "<" + mail.id() + "@" + domain + ">");
    message.setFrom(from);
    message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(mail.to(), true));
    message.setSubject(mail.subjectLine(), "UTF-8");
    message.setText(mail.body(), "UTF-8");
    message.setSentDate(Date.from(mail.date()));
    message.setHeader("Auto-Submitted", "auto-generated");
    message.saveChanges();
    return message;
  }

  private static final class IdentifiedMessage extends MimeMessage {
    private final String messageId;

    IdentifiedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
