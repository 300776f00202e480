package dev.confide.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Seals and opens the fields of one data subject with that subject's key (AES-256-GCM). Each
 * ciphertext is bound to its {@link FieldRef}; opening it anywhere else fails.
 */
public interface Sealer {

  byte[] seal(FieldRef field, byte[] plaintext);

  /** @throws CannotOpenException when the bytes were tampered with, moved, or the key is gone */
  byte[] open(FieldRef field, byte[] ciphertext);

  default byte[] sealString(FieldRef field, String plaintext) {
    return seal(field, plaintext.getBytes(StandardCharsets.UTF_8));
  }

  default String openString(FieldRef field, byte[] ciphertext) {
    return new String(open(field, ciphertext), StandardCharsets.UTF_8);
  }
}
