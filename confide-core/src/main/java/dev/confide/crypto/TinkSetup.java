package dev.confide.crypto;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives Confide uses. Tink's own registration is idempotent. */
final class TinkSetup {
  private TinkSetup() {}

  static void ensureRegistered() {
    try {
      AeadConfig.register();
      PrfConfig.register();
      com.google.crypto.tink.mac.MacConfig.register();
      com.google.crypto.tink.signature.SignatureConfig.register();
      com.google.crypto.tink.streamingaead.StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not register its primitives", e);
    }
  }
}
