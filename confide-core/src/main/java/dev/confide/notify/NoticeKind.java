package dev.confide.notify;

import java.util.Locale;

/** What an in-app notice is about. */
public enum NoticeKind {
  POLICY_UPDATE,
  BREACH_NOTICE,
  PRIVACY_REQUEST,
  ACCOUNT,
  PRODUCT;

  /** {@code policy_update}, {@code breach_notice}, ... as in the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static NoticeKind fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
