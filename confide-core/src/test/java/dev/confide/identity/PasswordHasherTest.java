package dev.confide.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("P01")
class PasswordHasherTest {
  private static final PasswordHasher.Settings FAST = new PasswordHasher.Settings(64, 1, 1);
  private final PasswordHasher hasher = new PasswordHasher(FAST);

  /** Argon2id of exactly {@code password}'s bytes, as any other implementation computes it. */
  private static byte[] reference(byte[] password, byte[] salt, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(FAST.memoryKib()).withIterations(FAST.iterations())
        .withParallelism(FAST.parallelism()).build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  @Test
  void hashesAreStandardArgon2idOfThePasswordsUtf8Bytes() {
    for (String password : new String[] {"abcdefghij", "correct horse battery staple", "pässwörd mit ümlauten ✓"}) {
      String phc = hasher.hash(password.toCharArray());
      String[] parts = phc.split("\\$");
      assertThat(parts[1]).isEqualTo("argon2id");
      assertThat(parts[3]).isEqualTo("m=64,t=1,p=1");
      byte[] salt = Base64.getDecoder().decode(parts[4]);
      byte[] hash = Base64.getDecoder().decode(parts[5]);
      assertThat(hash).isEqualTo(reference(password.getBytes(StandardCharsets.UTF_8), salt, hash.length));
      assertThat(hasher.verify(password.toCharArray(), phc)).isTrue();
      assertThat(hasher.verify((password + "\0").toCharArray(), phc)).as("a trailing NUL is another password").isFalse();
      assertThat(hasher.needsRehash(phc)).isFalse();
    }
  }

  @Test
  void hashesOfTheOldPaddedFormStillVerifyAndAreReplaced() {
    char[] password = "abcdefghij".toCharArray();
    byte[] padded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password)).array();
    assertThat(padded.length).as("the encoder's buffer is longer than the encoded bytes").isGreaterThan(10);
    byte[] salt = new byte[16];
    Arrays.fill(salt, (byte) 7);
    String old = "$argon2id$v=19$m=64,t=1,p=1$" + Base64.getEncoder().withoutPadding().encodeToString(salt) + "$"
        + Base64.getEncoder().withoutPadding().encodeToString(reference(padded, salt, 32));
    assertThat(hasher.verify(password, old)).as("the old hash is not standard").isFalse();
    String marked = PasswordHasher.PADDED + old; // what migration V21 stored
    assertThat(hasher.verify(password, marked)).isTrue();
    assertThat(hasher.verify("abcdefghik".toCharArray(), marked)).isFalse();
    assertThat(hasher.needsRehash(marked)).isTrue();
  }
}
