package dev.confide.disclosure;

import java.util.Locale;

/**
 * The safeguard the registry names for sending personal data of EU/EEA subjects to a processor
 * outside the EU/EEA (GDPR chapter V): none, standard contractual clauses, an adequacy decision,
 * the EU–US Data Privacy Framework, or binding corporate rules.
 */
public enum TransferMechanism {
  NONE, SCC, ADEQUACY, DPF, BCR;

  /** Reads the policy file's spelling ({@code none}, {@code scc}, {@code adequacy}, {@code dpf}, {@code bcr}). */
  public static TransferMechanism parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("transfer mechanism must be one of none, scc, adequacy, dpf, bcr (got '" + value + "')");
    }
  }

  /** The policy file's spelling. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isSafeguard() {
    return this != NONE;
  }
}
