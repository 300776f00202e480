package dev.confide.notify;

/**
 * A mail could not be handed over. Transient failures are retried with backoff; a permanent one
 * (the relay refused the recipient) fails the mail at once. The message never holds an address.
 */
public final class MailDeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public MailDeliveryException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }
}
