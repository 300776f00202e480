package dev.confide.consent;

import java.util.Map;
import java.util.Set;

/**
 * A subject's privacy settings. {@code chatRetentionDays} is null when chats are kept until the
 * subject deletes them ("keep"). {@code restricted} is set by a restriction request, not by the
 * subject's own settings page.
 */
public record Settings(
    Integer chatRetentionDays,
    boolean dataCollection,
    boolean trainingOptOut,
    boolean optOutOfSale,
    boolean limitSensitive,
    boolean analyticsCookies,
    boolean restricted,
    Map<String, Boolean> objections,
    Map<String, Boolean> communication) {

  /** Purposes a subject may object to (P28). */
  public static final Set<String> PURPOSES = Set.of("training", "analytics", "product_improvement", "marketing", "profiling");

  /** Kinds of non-essential messages a subject may switch off (P37); legal notices are always sent. */
  public static final Set<String> COMMUNICATION = Set.of("productUpdates", "marketing", "tips");

  public Settings {
    objections = Map.copyOf(objections);
    communication = Map.copyOf(communication);
  }

  public boolean objectsTo(String purpose) {
    return objections.getOrDefault(purpose, false);
  }

  /** Whether the subject's activity may be counted in anonymous analytics, such as thumbs per model (P26, P28). */
  public boolean allowsAnalytics() {
    return !restricted && !objectsTo("analytics");
  }

  /** Whether the subject's conversations may be used for model training (P12, P26, P28). */
  public boolean allowsTraining() {
    return !trainingOptOut && !restricted && !objectsTo("training");
  }
}
