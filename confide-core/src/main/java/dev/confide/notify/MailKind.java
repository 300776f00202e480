package dev.confide.notify;

import java.util.Locale;

/**
 * Why a mail is sent, which decides whether preferences apply (P37). Legal mail (verification
 * codes, privacy-request receipts, breach notices, policy updates) always goes.
 */
public enum MailKind {
  LEGAL,
  PRODUCT,
  MARKETING;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static MailKind fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
