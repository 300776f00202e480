package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("P18")
class RootKeyTest {
  @TempDir Path tmp;

  @Test
  void theKeyFileIsCreatedOwnerOnlyAndReusedAfterwards() throws Exception {
    Path file = tmp.resolve("data/root.key");
    Aead first = RootKeys.open(LocalKeyFileKms.uriFor(file), List.of());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    byte[] ciphertext = first.encrypt("x".getBytes(StandardCharsets.UTF_8), new byte[0]);

    Aead again = RootKeys.open(LocalKeyFileKms.uriFor(file), List.of());
    assertThat(again.decrypt(ciphertext, new byte[0])).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    assertThat(LocalKeyFileKms.createIfMissing(file)).as("never overwrites an existing key").isFalse();
  }

  @Test
  void aKeyFileReadableByOthersIsRefused() throws Exception {
    Path file = tmp.resolve("root.key");
    LocalKeyFileKms.createIfMissing(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> RootKeys.open(LocalKeyFileKms.uriFor(file), List.of()))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("chmod 600");
  }

  @Test
  void theLocalFileIsARealTinkKmsClient() throws Exception {
    Path file = tmp.resolve("root.key");
    LocalKeyFileKms.createIfMissing(file);
    KmsClient client = new LocalKeyFileKms().withDefaultCredentials();
    assertThat(client.doesSupport("local-file:///x")).isTrue();
    assertThat(client.doesSupport("aws-kms://arn:aws:kms:eu-west-1:1:key/2")).isFalse();
    Aead aead = client.getAead(LocalKeyFileKms.uriFor(file));
    byte[] ad = "ad".getBytes(StandardCharsets.UTF_8);
    assertThat(aead.decrypt(aead.encrypt(new byte[] {1, 2, 3}, ad), ad)).containsExactly(1, 2, 3);
  }

  @Test
  void anotherKmsClientIsUsedForItsOwnScheme() throws Exception {
    Path file = tmp.resolve("root.key");
    LocalKeyFileKms.createIfMissing(file);
    Aead local = new LocalKeyFileKms().getAead(LocalKeyFileKms.uriFor(file));
    KmsClient fakeVault = new KmsClient() {
      @Override public boolean doesSupport(String uri) { return uri.startsWith("hcvault://"); }
      @Override public KmsClient withCredentials(String path) { return this; }
      @Override public KmsClient withDefaultCredentials() { return this; }
      @Override public Aead getAead(String uri) { return local; }
    };
    assertThat(RootKeys.open("hcvault://transit/keys/confide", List.of(fakeVault))).isSameAs(local);
    assertThatThrownBy(() -> RootKeys.open("gcp-kms://projects/p/keys/k", List.of(fakeVault)))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("no KMS client");
  }
}
