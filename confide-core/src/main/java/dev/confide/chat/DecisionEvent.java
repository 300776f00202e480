package dev.confide.chat;

import dev.confide.models.ChatMessage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user decided between two compared answers. Carries what decision data (P05) needs: the
 * conversation leading up to the decision (the compared answers are NOT in it), the two models and
 * the choice. {@code subject} is there only so the listener can check the subject's settings
 * (data collection, restriction, HIPAA); a listener must never store it with the rest.
 */
public record DecisionEvent(UUID subject, List<ChatMessage> conversationBefore, String modelA, String modelB, String choice,
    Instant decidedAt) {

  /** Receives decisions after they are committed. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = event -> {};

    void onDecision(DecisionEvent event);
  }
}
