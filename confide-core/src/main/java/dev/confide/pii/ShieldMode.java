package dev.confide.pii;

import java.util.Locale;

/**
 * How personal data is treated on its way to a model provider: sent as is ({@code OFF}), replaced
 * by type placeholders for good ({@code REDACT}), or replaced by consistent placeholders that are
 * restored in the answer ({@code PSEUDONYMIZE}). {@code CONSENTED} is OFF because the subject said so.
 */
public enum ShieldMode {
  OFF, REDACT, PSEUDONYMIZE, CONSENTED;

  public static ShieldMode fromConfig(String value) {
    return value == null ? OFF : valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean sendsRaw() {
    return this == OFF || this == CONSENTED;
  }
}
