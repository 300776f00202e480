package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P18")
class KeyringTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void keyringsAreStoredEncryptedByTheRootKeyAndSurviveARestart(TestBackend backend) throws Exception {
    try (CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T09:00:00Z"))) {
      byte[] ad = new byte[0];
      byte[] ciphertext = f.keyEncryption.primitive().encrypt(new byte[] {42}, ad);
      f.keyEncryption.rotate();
      try (CryptoFixture restarted = f.reopen()) {
        assertThat(restarted.keyEncryption.primaryKeyId()).isEqualTo(f.keyEncryption.primaryKeyId());
        assertThat(restarted.keyEncryption.primitive().decrypt(ciphertext, ad)).containsExactly(42);
        assertThat(restarted.keyEncryption.versions()).hasSize(2);
      }
      // Another root key cannot open the stored keyring.
      Path otherKey = tmp.resolve("other/root.key");
      Aead otherRoot = RootKeys.open(LocalKeyFileKms.uriFor(otherKey), List.of());
      assertThatThrownBy(() -> Keyring.open(Keyring.KEY_ENCRYPTION, PredefinedAeadParameters.AES256_GCM, Aead.class,
          f.database.jdbi(), otherRoot, f.clock)).hasMessageContaining("does not open with the root key");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void concurrentRotationsFromTwoInstancesBothLand(TestBackend backend) throws Exception {
    try (CryptoFixture a = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T09:00:00Z"));
         CryptoFixture b = a.reopen()) {
      a.keyEncryption.rotate();
      b.keyEncryption.rotate(); // b's revision is stale: it must reload and retry, not overwrite a's key
      a.keyEncryption.reloadIfChanged();
      assertThat(a.keyEncryption.liveKeys()).hasSize(3);
      assertThat(a.keyEncryption.primaryKeyId()).isEqualTo(b.keyEncryption.primaryKeyId());
    }
  }
}
