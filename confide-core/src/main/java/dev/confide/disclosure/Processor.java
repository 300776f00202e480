package dev.confide.disclosure;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One processor the policy names (P14): who it is, for which purposes it may receive which data
 * categories, the country it processes in (ISO 3166-1 alpha-2), the transfer safeguard for EU/EEA
 * data (P36) and whether a HIPAA business associate agreement covers it (P31).
 */
public record Processor(String name, Set<String> purposes, Set<String> categories, String country,
    TransferMechanism transferMechanism, boolean baa) {
  /**
   * Names as policy files write them ("AI model providers", "Stripe"): letters, digits, spaces and
   * a little punctuation, at most 100 characters, no space at either end.
   */
  static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N} ._&'()+,/-]{0,98}[\\p{L}\\p{N}._)-])?");
  static final Pattern TERM = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  public Processor {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("processor name must be 1 to 100 letters, digits, spaces or . _ & ' ( ) + , / -,"
          + " without a space at either end (got '" + name + "')");
    }
    purposes = terms(name, "purposes", purposes);
    categories = terms(name, "categories", categories);
    country = Regions.country(country);
    Objects.requireNonNull(transferMechanism, "transferMechanism");
    if (transferMechanism == TransferMechanism.DPF && !"US".equals(country)) {
      // The Data Privacy Framework covers certified organisations in the United States only.
      throw new IllegalArgumentException("processor '" + name + "': transfer mechanism dpf is only for processors in US");
    }
  }

  /** Whether the registry allows this processor to receive {@code category} for {@code purpose}. */
  public boolean covers(String purpose, String category) {
    return purposes.contains(purpose) && categories.contains(category);
  }

  private static Set<String> terms(String processor, String what, Set<String> values) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("processor '" + processor + "' needs at least one entry in " + what);
    }
    for (String v : values) {
      if (v == null || !TERM.matcher(v).matches()) {
        throw new IllegalArgumentException("processor '" + processor + "': " + what
            + " are lower-case words with digits and '_' (got '" + v + "')");
      }
    }
    return Set.copyOf(values);
  }
}
