package dev.confide.notify;

import java.util.Locale;

/** Where a mail is in its life; {@code SUPPRESSED} mails were never rendered or sent (P37). */
public enum MailStatus {
  PENDING,
  SENDING,
  SENT,
  FAILED,
  SUPPRESSED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static MailStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
