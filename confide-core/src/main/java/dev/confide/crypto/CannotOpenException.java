package dev.confide.crypto;

/**
 * A ciphertext did not open: wrong key, wrong associated data (moved to another row, column or
 * subject), tampered bytes, or a key that has been destroyed. Carries no plaintext.
 */
public final class CannotOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CannotOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
