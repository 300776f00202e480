package dev.confide.identity;

import java.util.Map;
import java.util.Optional;

/**
 * A correction (P24). An absent field is left alone; for company and role an empty Optional
 * inside a present field clears the value. The e-mail address is not among them: a new one takes
 * effect only once a code mailed to it comes back ({@link EmailVerification#correct}).
 */
public record ProfileChanges(
    Optional<String> name,
    Optional<Optional<String>> company,
    Optional<Optional<String>> role,
    Optional<Map<String, Object>> preferences) {

  public static ProfileChanges none() {
    return new ProfileChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
