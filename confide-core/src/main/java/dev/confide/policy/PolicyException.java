package dev.confide.policy;

import java.util.List;

/**
 * A policy file that cannot be used. Each error reads {@code source:line:column: problem} (or
 * {@code source: problem} when no position applies), so an operator can fix them all in one pass;
 * start-up refuses to go on.
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> errors;

  public PolicyException(String source, List<String> errors) {
    super("policy " + source + " is invalid (" + errors.size() + (errors.size() == 1 ? " error" : " errors") + "):\n  "
        + String.join("\n  ", errors), null, false, false);
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  /** The file name or preset the errors are about. */
  public String source() {
    return source;
  }

  public List<String> errors() {
    return errors;
  }
}
