package dev.confide.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens and their one-way digests. High-entropy tokens need no salt or slow hash. */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Secrets() {}

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** {@code count} random decimal digits (at most 9), leading zeros kept: a code a person can type. */
  static String digits(int count) {
    if (count < 1 || count > 9) {
      throw new IllegalArgumentException("1 to 9 digits");
    }
    return String.format(java.util.Locale.ROOT, "%0" + count + "d", RANDOM.nextInt((int) Math.pow(10, count)));
  }

  static String randomToken(int bytes) {
    return URL.encodeToString(randomBytes(bytes));
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
