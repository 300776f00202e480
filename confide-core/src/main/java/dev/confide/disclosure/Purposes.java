package dev.confide.disclosure;

import dev.confide.policy.Policy.ProcessorKind;
import java.util.Set;

/**
 * The purposes outbound flows name, and which of them a processor of each kind in the policy file
 * is registered for. A policy states a processor's purpose in prose; the kind is what the engine
 * can act on, so the registry derives machine purposes from it.
 */
public final class Purposes {
  /** A model provider answers chat turns: the request carries the conversation so far. */
  public static final String MODEL_INFERENCE = "model_inference";
  /** A mail relay delivers the service's mail. */
  public static final String MAIL_DELIVERY = "mail_delivery";
  /** A payment processor bills from usage totals. */
  public static final String BILLING = "billing";
  /** Conversations exported to train models (optional: subjects opt out or object). */
  public static final String TRAINING = "training";
  /** Analytics (optional: subjects object). */
  public static final String ANALYTICS = "analytics";
  public static final String HOSTING = "hosting";
  public static final String SUPPORT = "support";
  public static final String OTHER = "other";

  private Purposes() {}

  /**
   * The purposes a processor of {@code kind} is registered for. A model provider also receives
   * training data when the policy says subjects' content is used for training ({@code
   * training.usesContent}); otherwise no processor does, and the training export is refused.
   */
  public static Set<String> forKind(ProcessorKind kind, boolean trainingUsesContent) {
    return switch (kind) {
      case MODEL_PROVIDER -> trainingUsesContent ? Set.of(MODEL_INFERENCE, TRAINING) : Set.of(MODEL_INFERENCE);
      case EMAIL -> Set.of(MAIL_DELIVERY);
      case PAYMENT -> Set.of(BILLING);
      case ANALYTICS -> Set.of(ANALYTICS);
      case HOSTING -> Set.of(HOSTING);
      case SUPPORT -> Set.of(SUPPORT);
      case OTHER -> Set.of(OTHER);
    };
  }
}
