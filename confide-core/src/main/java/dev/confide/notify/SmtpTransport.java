package dev.confide.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Sends mail through an SMTP relay with Angus Mail. */
public final class SmtpTransport implements MailTransport {
  private final SmtpSettings settings;
  private final InternetAddress from;
  private final Session session;

  public SmtpTransport(SmtpSettings settings) {
    this.settings = settings;
    this.from = MimeMessages.sender(settings.from());
    this.session = Session.getInstance(properties(settings));
  }

  @Override
  public Connection connect() throws MailDeliveryException {
    try {
      Transport transport = session.getTransport("smtp");
      transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
      return new SmtpConnection(transport);
    } catch (MessagingException e) {
      throw new MailDeliveryException("cannot connect to the SMTP relay", false, e);
    }
  }

  private final class SmtpConnection implements Connection {
    private final Transport transport;

    SmtpConnection(Transport transport) {
      this.transport = transport;
    }

    @Override
    public void send(OutgoingMail mail) throws MailDeliveryException {
      try {
        MimeMessage message = MimeMessages.build(session, from, mail);
        transport.sendMessage(message, message.getAllRecipients());
      } catch (AddressException e) {
        throw new MailDeliveryException("the recipient address cannot be used", true, e);
      } catch (SendFailedException e) {
        // The relay refused the recipient itself: retrying the same address will not help.
        boolean refusedRecipient = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
        throw new MailDeliveryException("the SMTP relay refused the mail", refusedRecipient, e);
      } catch (MessagingException e) {
        throw new MailDeliveryException("the SMTP relay did not take the mail", false, e);
      }
    }

    @Override
    public void close() {
      try {
        transport.close();
      } catch (MessagingException e) {
        // The mail already went (or the failure was reported): a failed QUIT changes nothing.
      }
    }
  }

  private static Properties properties(SmtpSettings s) {
    Properties p = new Properties();
    p.setProperty("mail.smtp.connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
    p.setProperty("mail.smtp.timeout", Long.toString(s.readTimeout().toMillis()));
    p.setProperty("mail.smtp.writetimeout", Long.toString(s.readTimeout().toMillis()));
    p.setProperty("mail.smtp.auth", Boolean.toString(s.username() != null));
    // Sign-up accepts internationalized addresses; relays that speak SMTPUTF8 can deliver to them.
    p.setProperty("mail.mime.allowutf8", "true");
    switch (s.security()) {
      case STARTTLS -> {
        p.setProperty("mail.smtp.starttls.enable", "true");
        p.setProperty("mail.smtp.starttls.required", "true");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case SSL -> {
        p.setProperty("mail.smtp.ssl.enable", "true");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> { }
    }
    return p;
  }
}
