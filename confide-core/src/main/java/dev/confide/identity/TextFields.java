package dev.confide.identity;

import dev.confide.problem.Problem;
import java.text.Normalizer;

/** Validation shared by the free-text profile fields. */
final class TextFields {
  private TextFields() {}

  /** Strips, NFC-normalizes, and refuses empty, overlong or control-character values. */
  static String clean(String field, String value, int maxLength) {
    if (value == null) {
      throw Problem.invalid("invalid_" + field, field + " is required");
    }
    String cleaned = Normalizer.normalize(value.strip(), Normalizer.Form.NFC);
    if (cleaned.isEmpty()) {
      throw Problem.invalid("invalid_" + field, field + " must not be empty");
    }
    if (cleaned.codePointCount(0, cleaned.length()) > maxLength) {
      throw Problem.invalid("invalid_" + field, field + " must be at most " + maxLength + " characters");
    }
    if (cleaned.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw Problem.invalid("invalid_" + field, field + " must not contain control characters");
    }
    return cleaned;
  }
}
