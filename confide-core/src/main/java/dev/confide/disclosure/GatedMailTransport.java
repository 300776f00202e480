package dev.confide.disclosure;

import dev.confide.notify.MailDeliveryException;
import dev.confide.notify.MailTransport;
import dev.confide.notify.OutgoingMail;
import dev.confide.problem.Problem;
import java.util.UUID;

/**
 * A mail relay behind the disclosure gate (P14, P36): each mail is a flow of its recipient's
 * account data (address and message) to the relay's processor. A mail the gate refuses — an EU/EEA
 * recipient and a relay outside it without a safeguard — fails at once and is not retried, since
 * retrying cannot change the registry's answer. Mail written to local files never leaves Confide
 * and needs no gate.
 */
public final class GatedMailTransport implements MailTransport {
  /** What a mail carries: the recipient's address and a message about their account. */
  public static final String CATEGORY = "account";

  private final MailTransport relay;
  private final DisclosureGate gate;
  private final String processor;

  /**
   * @param processor the relay's processor; must be registered for {@link Purposes#MAIL_DELIVERY}
   *     and {@link #CATEGORY}
   * @throws Problem {@code unregistered_flow} when it is not
   */
  public GatedMailTransport(MailTransport relay, DisclosureGate gate, String processor) {
    gate.requireRegistered(processor, Purposes.MAIL_DELIVERY, CATEGORY);
    this.relay = relay;
    this.gate = gate;
    this.processor = processor;
  }

  @Override
  public Connection connect() throws MailDeliveryException {
    Connection connection = relay.connect();
    return new Connection() {
      @Override
      public void send(OutgoingMail mail) throws MailDeliveryException {
        try {
          gate.check(Flow.of(processor, Purposes.MAIL_DELIVERY, CATEGORY, mail.subjectId(), 1));
        } catch (Problem refused) {
          throw new MailDeliveryException("refused by the disclosure gate (" + refused.code() + ")", true, null);
        }
        connection.send(mail);
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  @Override
  public void forgetSubject(UUID subject) {
    relay.forgetSubject(subject);
  }
}
