package dev.confide.identity;

import java.util.Locale;

/** What a staff member may do. No role by itself grants access to a subject's content (P21). */
public enum StaffRole {
  ADMIN, PRIVACY_OFFICER, SUPPORT, SECURITY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StaffRole fromWireName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
