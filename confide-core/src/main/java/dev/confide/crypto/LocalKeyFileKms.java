package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Tink {@link KmsClient} whose "KMS" is a local file holding one AES-256-GCM keyset. Key URIs
 * look like {@code local-file:///var/lib/confide/root.key}. The file must be readable by its owner
 * only: a key anyone else can read is refused, because whoever reads it reads every keyring.
 */
public final class LocalKeyFileKms implements KmsClient {
  public static final String PREFIX = "local-file://";

  private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  public static String uriFor(Path keyFile) {
    return PREFIX + keyFile.toAbsolutePath().normalize();
  }

  /**
   * Creates the key file with mode 0600 if it does not exist. Created atomically with its
   * permissions, so there is no moment at which another user could read it.
   *
   * @return true when a new key was written
   */
  public static boolean createIfMissing(Path keyFile) {
    TinkSetup.ensureRegistered();
    try {
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
      Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".new");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.createLink(keyFile, tmp); // fails if a key appeared meanwhile: never overwrite a root key
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create root key file " + keyFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a root key", e);
    }
  }

  @Override
  public boolean doesSupport(String keyUri) {
    return keyUri != null && keyUri.startsWith(PREFIX);
  }

  @Override
  public KmsClient withCredentials(String credentialPath) {
    return this; // the file system's permissions are the credentials
  }

  @Override
  public KmsClient withDefaultCredentials() {
    return this;
  }

  @Override
  public Aead getAead(String keyUri) throws GeneralSecurityException {
    if (!doesSupport(keyUri)) {
      throw new GeneralSecurityException("not a local-file key URI");
    }
    TinkSetup.ensureRegistered();
    Path keyFile = Path.of(keyUri.substring(PREFIX.length()));
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
      if (permissions.stream().anyMatch(GROUP_OR_OTHER::contains)) {
        throw new GeneralSecurityException("root key file " + keyFile + " is accessible to other users ("
            + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + keyFile);
      }
      String json = Files.readString(keyFile, StandardCharsets.UTF_8);
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
      return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot read root key file " + keyFile + ": " + e.getMessage(), e);
    }
  }
}
