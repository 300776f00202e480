package dev.confide.analytics;

/**
 * A differentially private release was refused because its purpose's budget cannot pay for it (or
 * no budget is defined for the purpose). Nothing was charged, recorded, sampled or released.
 */
public final class PrivacyBudgetExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String purpose;
  private final Epsilon requestedEpsilon;
  private final Delta requestedDelta;

  PrivacyBudgetExceededException(String purpose, Epsilon requestedEpsilon, Delta requestedDelta, String message) {
    super(message, null, false, false);
    this.purpose = purpose;
    this.requestedEpsilon = requestedEpsilon;
    this.requestedDelta = requestedDelta;
  }

  public String purpose() {
    return purpose;
  }

  public Epsilon requestedEpsilon() {
    return requestedEpsilon;
  }

  public Delta requestedDelta() {
    return requestedDelta;
  }
}
