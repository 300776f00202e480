package dev.confide.identity;

import dev.confide.problem.Problem;
import java.text.Normalizer;
import java.util.Locale;

/** Email validation and the normalization the blind index is computed over. */
public final class EmailAddress {
  private static final int MAX_LENGTH = 254;

  private EmailAddress() {}

  /**
   * Trims, NFC-normalizes and lower-cases the address, and checks its shape: one {@code @}, a
   * local part of 1 to 64 characters, a dotted domain, no spaces or control characters.
   *
   * @throws Problem with code {@code invalid_email}
   */
  public static String normalize(String raw) {
    if (raw == null) {
      throw invalid();
    }
    String email = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    int at = email.indexOf('@');
    if (email.length() > MAX_LENGTH || at < 1 || at != email.lastIndexOf('@') || at > 64) {
      throw invalid();
    }
    String domain = email.substring(at + 1);
    if (domain.length() < 3 || !domain.contains(".") || domain.startsWith(".") || domain.endsWith(".")
        || domain.contains("..")) {
      throw invalid();
    }
    for (int i = 0; i < email.length(); i++) {
      char c = email.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>' || c == ',' || c == ';') {
        throw invalid();
      }
    }
    return email;
  }

  private static Problem invalid() {
    return Problem.invalid("invalid_email", "email must be a valid address such as name@example.com");
  }
}
