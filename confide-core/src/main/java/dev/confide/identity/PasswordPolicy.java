package dev.confide.identity;

import dev.confide.problem.Problem;
import java.util.Locale;
import java.util.Set;

/**
 * NIST SP 800-63B style: length over composition rules. At least 10 characters, at most 256, not
 * a well-known password, not the email address or its name part.
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 10;
  public static final int MAX_LENGTH = 256;

  private static final Set<String> COMMON = Set.of(
      "1234567890", "12345678910", "123456789a", "qwertyuiop", "password12", "password123", "password1234",
      "1q2w3e4r5t", "iloveyou12", "qwerty1234", "0987654321", "1111111111", "aaaaaaaaaa", "abcdefghij",
      "letmein123", "welcome123", "administrator", "passw0rd123", "changeme123", "football12",
      "monkey1234", "dragon1234", "sunshine12", "princess12", "qwertyuiop123", "trustno1234");

  private PasswordPolicy() {}

  /** @throws Problem with code {@code weak_password} and a message naming the rule */
  public static void check(char[] password, String normalizedEmail) {
    if (password == null || password.length < MIN_LENGTH) {
      throw weak("password must be at least " + MIN_LENGTH + " characters long");
    }
    if (password.length > MAX_LENGTH) {
      throw weak("password must be at most " + MAX_LENGTH + " characters long");
    }
    String lower = new String(password).toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower) || lower.chars().distinct().count() < 4) {
      throw weak("password is too common or too repetitive");
    }
    if (normalizedEmail != null) {
      String localPart = normalizedEmail.substring(0, normalizedEmail.indexOf('@'));
      if (lower.contains(normalizedEmail) || (localPart.length() >= 4 && lower.contains(localPart))) {
        throw weak("password must not contain your email address");
      }
    }
  }

  private static Problem weak(String message) {
    return Problem.invalid("weak_password", message);
  }
}
