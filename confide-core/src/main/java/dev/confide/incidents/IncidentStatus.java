package dev.confide.incidents;

import java.util.Locale;

/** Where an incident stands. It only moves forward; {@code CLOSED} is final. */
public enum IncidentStatus {
  OPEN, CONTAINED, NOTIFIED, CLOSED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IncidentStatus fromWireName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
