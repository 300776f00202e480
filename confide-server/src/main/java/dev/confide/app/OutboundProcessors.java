package dev.confide.app;

import dev.confide.config.ConfideConfig;
import dev.confide.disclosure.GatedMailTransport;
import dev.confide.disclosure.ModelProviderFlows;
import dev.confide.disclosure.Processor;
import dev.confide.disclosure.ProcessorRegistry;
import dev.confide.disclosure.Purposes;
import dev.confide.policy.Policy;
import dev.confide.policy.Policy.ProcessorKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processor registry from the policy file, and which of its processors each configured
 * outbound channel sends to (P14). A channel names its processor in the configuration, or gets the
 * policy's only processor of the matching kind. Model providers and an SMTP relay must be bound at
 * start-up — a channel that would send to no registered processor stops the server with a message
 * saying what to change. The training and billing exports are bound when they can be and refused
 * when used otherwise, so a policy without them still starts.
 *
 * @param modelProviders processor name by configured provider name
 * @param mailRelay the SMTP relay's processor; null when mail goes to local files
 * @param training the processor receiving training exports, or null
 * @param billing the payment processor receiving billing exports, or null
 */
public record OutboundProcessors(ProcessorRegistry registry, Map<String, String> modelProviders, String mailRelay,
    String training, String billing) {

  public OutboundProcessors {
    modelProviders = Map.copyOf(modelProviders);
  }

  /** @throws IllegalStateException when a provider or the SMTP relay is bound to no registered processor */
  public static OutboundProcessors bind(Policy policy, ConfideConfig config) {
    ProcessorRegistry registry;
    try {
      registry = ProcessorRegistry.fromPolicy(policy);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the policy's processors cannot be registered: " + e.getMessage(), e);
    }
    Map<String, String> providers = new LinkedHashMap<>();
    for (ConfideConfig.Provider p : config.providers()) {
      String at = "providers." + p.name() + ".processor";
      providers.put(p.name(), require(policy, registry, at, p.processor(), ProcessorKind.MODEL_PROVIDER,
          Purposes.MODEL_INFERENCE, ModelProviderFlows.CATEGORY));
    }
    String relay = config.mail().smtp().host() == null ? null : require(policy, registry, "mail.smtp.processor",
        config.mail().smtp().processor(), ProcessorKind.EMAIL, Purposes.MAIL_DELIVERY, GatedMailTransport.CATEGORY);
    String training = optional(policy, "training.processor", config.training().processor(), ProcessorKind.MODEL_PROVIDER);
    String billing = onlyOfKind(policy, ProcessorKind.PAYMENT);
    return new OutboundProcessors(registry, providers, relay, training, billing);
  }

  /** The payment processor named on the command line, or else the bound one; checked when the export runs. */
  public String billing(String named) {
    return named != null ? named : billing;
  }

  private static String require(Policy policy, ProcessorRegistry registry, String key, String configured,
      ProcessorKind kind, String purpose, String category) {
    String name = configured != null ? configured : onlyOfKind(policy, kind);
    if (name == null) {
      List<String> candidates = ofKind(policy, kind);
      throw new IllegalStateException(key + ": " + (candidates.isEmpty()
          ? "the policy lists no processor of kind " + kind.id() + "; add one to the policy's processors"
          : "the policy lists several processors of kind " + kind.id() + " " + candidates + "; name one")
          + " (P14: data goes only to processors the policy lists)");
    }
    Processor processor = registry.find(name).orElseThrow(() -> new IllegalStateException(key + ": '" + name
        + "' is not a processor in the policy; processors: " + registry.all().stream().map(Processor::name).toList()));
    if (!processor.covers(purpose, category)) {
      throw new IllegalStateException(key + ": processor '" + name + "' is not registered for " + purpose
          + " with data category " + category + " (it is a processor of purposes " + processor.purposes()
          + " and categories " + processor.categories() + ")");
    }
    return name;
  }

  private static String optional(Policy policy, String key, String configured, ProcessorKind kind) {
    if (configured != null && policy.processor(configured).isEmpty()) {
      throw new IllegalStateException(key + ": '" + configured + "' is not a processor in the policy");
    }
    return configured != null ? configured : onlyOfKind(policy, kind);
  }

  private static String onlyOfKind(Policy policy, ProcessorKind kind) {
    List<String> candidates = ofKind(policy, kind);
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  private static List<String> ofKind(Policy policy, ProcessorKind kind) {
    return policy.processors().stream().filter(p -> p.kind() == kind).map(Policy.Processor::name).toList();
  }
}
