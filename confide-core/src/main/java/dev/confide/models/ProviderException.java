package dev.confide.models;

/**
 * A provider failed. {@code partial} is what had streamed before the failure (possibly empty), so
 * the caller can store it marked as failed.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How it failed, which decides the status a client sees. */
  public enum Kind {
    RATE_LIMITED,  // the upstream said 429: stays 429
    REJECTED,      // the upstream refused the request as malformed: 400
    UPSTREAM_ERROR, // 5xx, bad credentials, malformed data, dropped connection: 502
    TIMEOUT        // no answer in time: 504
  }

  private final Kind kind;
  private final String partial;
  private final Long retryAfterSeconds;

  public ProviderException(Kind kind, String message, String partial, Long retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.partial = partial == null ? "" : partial;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Kind kind() {
    return kind;
  }

  public String partial() {
    return partial;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
