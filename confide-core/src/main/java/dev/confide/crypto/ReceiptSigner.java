package dev.confide.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Signs receipts (erasure, privacy requests) with Tink's ECDSA P-256 so that anyone holding the
 * published public keyset can verify one offline, with no access to Confide.
 */
public final class ReceiptSigner {
  private final Keyring<PublicKeySign> keyring;

  public ReceiptSigner(Keyring<PublicKeySign> keyring) {
    this.keyring = keyring;
  }

  /** The signature of the payload's UTF-8 bytes, base64. */
  public String sign(String payload) {
    try {
      return Base64.getEncoder().encodeToString(keyring.primitive().sign(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("receipt signing failed", e);
    }
  }

  /** The public keyset in Tink's JSON format: what a verifier needs, and nothing secret. */
  public String publicKeysetJson() {
    try {
      KeysetHandle publicHandle = keyring.handle().getPublicKeysetHandle();
      return TinkJsonProtoKeysetFormat.serializeKeyset(publicHandle, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no public keyset", e);
    }
  }

  /** Verifies a receipt against a published public keyset, as an outside party would. */
  public static boolean verify(String publicKeysetJson, String payload, String signatureBase64) {
    try {
      TinkSetup.ensureRegistered();
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(publicKeysetJson, InsecureSecretKeyAccess.get());
      handle.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class)
          .verify(Base64.getDecoder().decode(signatureBase64), payload.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
