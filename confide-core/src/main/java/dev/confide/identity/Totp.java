package dev.confide.identity;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * Time-based one-time passwords (RFC 6238) for the staff second factor: 6 digits, 30-second steps,
 * HMAC-SHA1, the parameters every authenticator app understands. One step of clock drift either
 * way is accepted; the caller remembers the step so a code works once.
 */
public final class Totp {
  public static final Duration STEP = Duration.ofSeconds(30);
  private static final int SECRET_BYTES = 20;
  private static final TimeBasedOneTimePasswordGenerator GENERATOR = new TimeBasedOneTimePasswordGenerator(STEP, 6);

  private Totp() {}

  /** A new random secret, as the base32 text an authenticator app takes. */
  public static String newSecret() {
    return new Base32().encodeToString(Secrets.randomBytes(SECRET_BYTES)).replace("=", "");
  }

  /** The code an authenticator shows at {@code at}; for tests and enrolment checks. */
  public static String codeAt(String base32Secret, Instant at) {
    try {
      return GENERATOR.generateOneTimePasswordString(key(base32Secret), at);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("TOTP secret unusable", e);
    }
  }

  /** The time step {@code code} belongs to (now, or one step either side), or empty. */
  public static OptionalLong matchingStep(String base32Secret, String code, Instant now) {
    if (code == null || !code.matches("\\d{6}")) {
      return OptionalLong.empty();
    }
    long current = now.getEpochSecond() / STEP.toSeconds();
    for (long step = current - 1; step <= current + 1; step++) {
      String expected = codeAt(base32Secret, Instant.ofEpochSecond(step * STEP.toSeconds()));
      if (java.security.MessageDigest.isEqual(expected.getBytes(), code.getBytes())) {
        return OptionalLong.of(step);
      }
    }
    return OptionalLong.empty();
  }

  private static SecretKeySpec key(String base32Secret) {
    return new SecretKeySpec(new Base32().decode(base32Secret), GENERATOR.getAlgorithm());
  }
}
