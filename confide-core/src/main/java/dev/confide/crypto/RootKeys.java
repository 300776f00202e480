package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Opens the root key through whichever Tink {@link KmsClient} supports its URI. The local key file
 * is always available; deployments add clients for their KMS (Tink ships clients for AWS KMS, GCP
 * KMS and HashiCorp Vault) in the composition root.
 */
public final class RootKeys {
  private RootKeys() {}

  /** The default root key URI: a key file under the data directory. */
  public static String defaultUri(Path dataDir) {
    return LocalKeyFileKms.uriFor(dataDir.resolve("root.key"));
  }

  /**
   * Returns the root key's {@link Aead}. A local key file is created on first use (mode 0600).
   *
   * @throws GeneralSecurityException when no client supports the URI or the key cannot be used
   */
  public static Aead open(String keyUri, List<KmsClient> extraClients) throws GeneralSecurityException {
    LocalKeyFileKms local = new LocalKeyFileKms();
    if (local.doesSupport(keyUri)) {
      LocalKeyFileKms.createIfMissing(Path.of(keyUri.substring(LocalKeyFileKms.PREFIX.length())));
      return local.getAead(keyUri);
    }
    for (KmsClient client : extraClients) {
      if (client.doesSupport(keyUri)) {
        return client.getAead(keyUri);
      }
    }
    throw new GeneralSecurityException("no KMS client supports the root key URI scheme of " + keyUri);
  }
}
