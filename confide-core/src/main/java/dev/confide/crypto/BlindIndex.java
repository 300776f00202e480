package dev.confide.crypto;

import com.google.crypto.tink.prf.PrfSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Keyed MAC (HMAC-SHA256 through Tink's PRF) of a normalized value, for equality look-ups without
 * storing the value: log-in finds the account by the index of its email. The key lives in its own
 * keyring; a database dump alone cannot confirm a guessed email.
 */
public final class BlindIndex {
  private static final int LENGTH = 32;
  private final Keyring<PrfSet> keyring;

  public BlindIndex(Keyring<PrfSet> keyring) {
    this.keyring = keyring;
  }

  /** {@code purpose} separates index spaces (e.g. "account-email" and "staff-email"). */
  public byte[] of(String purpose, String normalizedValue) {
    byte[] input = ("confide-index-v1\0" + purpose + '\0' + normalizedValue).getBytes(StandardCharsets.UTF_8);
    try {
      return keyring.primitive().computePrimary(input, LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("blind index failed", e);
    }
  }
}
