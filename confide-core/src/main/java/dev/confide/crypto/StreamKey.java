package dev.confide.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A key for data too large to seal in one piece (an access archive, a scratch file): Tink's
 * streaming AEAD, AES-256-GCM-HKDF in 1 MB segments, so memory stays bounded whatever the size, and
 * a truncated, reordered or altered stream fails to open. One fresh key per stream. It either never
 * leaves memory (scratch files: lost with the process, the file is noise) or is stored sealed as a
 * field with the subject's {@link Sealer}, so erasing the subject's key shreds the stream too.
 */
public final class StreamKey {
  private final KeysetHandle keyset;
  private final StreamingAead aead;

  private StreamKey(KeysetHandle keyset) {
    this.keyset = keyset;
    try {
      this.aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("streaming keyset has no streaming AEAD primitive", e);
    }
  }

  public static StreamKey generate() {
    TinkSetup.ensureRegistered();
    try {
      return new StreamKey(KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a stream key", e);
    }
  }

  /** The key stored by {@link #sealWith}. @throws CannotOpenException once the subject is erased */
  public static StreamKey open(Sealer sealer, FieldRef field, byte[] sealedKey) {
    TinkSetup.ensureRegistered();
    try {
      return new StreamKey(TinkProtoKeysetFormat.parseKeyset(sealer.open(field, sealedKey), InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new CannotOpenException("stream key does not parse", e);
    }
  }

  /** This key sealed as {@code field} with the subject's sealer, to store beside the stream. */
  public byte[] sealWith(Sealer sealer, FieldRef field) {
    try {
      return sealer.seal(field, TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize a stream key", e);
    }
  }

  /** Writes ciphertext of what is written to the result into {@code ciphertext}; close the result to finish it. */
  public OutputStream encrypting(OutputStream ciphertext, String associatedData) throws IOException {
    try {
      return aead.newEncryptingStream(ciphertext, ad(associatedData));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start an encrypting stream", e);
    }
  }

  /** The plaintext of {@code ciphertext}; reading fails with an IOException where it was altered or cut short. */
  public InputStream decrypting(InputStream ciphertext, String associatedData) throws IOException {
    try {
      return aead.newDecryptingStream(ciphertext, ad(associatedData));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start a decrypting stream", e);
    }
  }

  private static byte[] ad(String associatedData) {
    return ("confide-stream-v1\0" + associatedData).getBytes(StandardCharsets.UTF_8);
  }
}
