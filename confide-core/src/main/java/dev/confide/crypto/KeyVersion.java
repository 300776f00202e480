package dev.confide.crypto;

import java.time.Instant;

/** One key of a keyring: its Tink key id, when it was made, whether it is primary or destroyed. */
public record KeyVersion(long keyId, Instant createdAt, Instant destroyedAt, boolean primary) {
  public boolean destroyed() {
    return destroyedAt != null;
  }
}
