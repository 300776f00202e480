package dev.confide.pii;

import dev.confide.identity.Accounts;
import dev.confide.models.ModelProvider;
import dev.confide.problem.Problem;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Decides the shield for one subject and provider. The provider's configured mode applies unless
 * the subject consented to send PII to it; a HIPAA account's data reaches a provider without a BAA
 * only shielded (P31), whatever the provider's mode or any consent.
 */
public final class ShieldPolicy {
  private final ProviderConsents consents;
  private final Accounts accounts;

  public ShieldPolicy(ProviderConsents consents, Accounts accounts) {
    this.consents = consents;
    this.accounts = accounts;
  }

  public ProviderConsents consents() {
    return consents;
  }

  public ShieldMode decide(UUID subject, ModelProvider.Description provider) {
    return decide(null, subject, provider);
  }

  /** As {@link #decide(UUID, ModelProvider.Description)}, inside the caller's transaction when {@code h} is set. */
  public ShieldMode decide(Handle h, UUID subject, ModelProvider.Description provider) {
    ShieldMode configured = ShieldMode.fromConfig(provider.shield());
    boolean hipaa = h == null ? accounts.isHipaa(subject) : accounts.isHipaa(h, subject);
    boolean protectedHealthData = hipaa && !provider.baa();
    if (protectedHealthData) {
      return configured == ShieldMode.REDACT ? ShieldMode.REDACT : ShieldMode.PSEUDONYMIZE;
    }
    if (configured != ShieldMode.OFF
        && (h == null ? consents.granted(subject, provider.name()) : consents.granted(h, subject, provider.name()))) {
      return ShieldMode.CONSENTED;
    }
    return configured;
  }

  /** Records a consent decision; a HIPAA account cannot consent for a provider without a BAA. */
  public void recordConsent(UUID subject, ModelProvider.Description provider, boolean granted, String source) {
    if (granted && accounts.isHipaa(subject) && !provider.baa()) {
      throw new Problem(Problem.Kind.UNPROCESSABLE, "hipaa_requires_shield",
          "health data of a HIPAA account is never sent unshielded to a provider without a BAA");
    }
    consents.record(subject, provider.name(), granted, source);
  }
}
