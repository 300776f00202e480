package dev.confide.disclosure;

import dev.confide.models.ModelProvider;
import dev.confide.problem.Problem;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The disclosure gate in front of model providers (P14, P36): which processor each configured
 * provider is, and the check of one chat turn's history going to it. Built-in models run inside
 * Confide, so calling them discloses nothing and is not checked.
 */
public final class ModelProviderFlows {
  /** What a provider call carries: the conversation so far. */
  public static final String CATEGORY = "chat_history";

  private final DisclosureGate gate;
  private final Map<String, String> processorByProvider;

  /** @param processorByProvider the processor name of each configured provider, by provider name */
  public ModelProviderFlows(DisclosureGate gate, Map<String, String> processorByProvider) {
    this.gate = gate;
    this.processorByProvider = Map.copyOf(processorByProvider);
  }

  /**
   * Checks and logs one call's flow of the subject's chat history to the provider; call it before
   * anything is sent.
   *
   * @throws Problem as {@link DisclosureGate#check(Flow)}: {@code unregistered_flow} also for a
   *     provider bound to no processor; {@code transfer_not_permitted} for an EU/EEA subject and a
   *     provider outside it without a safeguard
   */
  public DisclosureGate.Passed beforeCall(UUID subject, ModelProvider.Description provider) {
    return beforeCall(null, subject, provider);
  }

  /**
   * As {@link #beforeCall(UUID, ModelProvider.Description)}, inside the caller's transaction when
   * {@code h} is not null: the flow is logged only if that transaction commits.
   *
   * @return what was logged, for {@link #notSent}; null for a built-in model, which logs nothing
   */
  public DisclosureGate.Passed beforeCall(Handle h, UUID subject, ModelProvider.Description provider) {
    if (provider.builtIn()) {
      return null;
    }
    String processor = processorByProvider.get(provider.name());
    if (processor == null) {
      throw new Problem(Problem.Kind.FORBIDDEN, "unregistered_flow", "model provider '" + provider.name()
          + "' is bound to no processor in the registry; nothing was sent");
    }
    return gate.pass(h, Flow.of(processor, Purposes.MODEL_INFERENCE, CATEGORY, subject, 1));
  }

  /**
   * The call {@link #beforeCall} logged never left (the shield refused it, or the other side of a
   * comparison did): its flow is withdrawn from the log. Nothing to do for null (built-in models).
   */
  public void notSent(DisclosureGate.Passed logged) {
    if (logged != null) {
      gate.withdraw(logged);
    }
  }
}
