package dev.confide.problem;

/**
 * A failure the caller caused and can correct. The {@code code} is a stable identifier clients
 * may switch on; the message is for people and must never contain personal data.
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of mistake it is; the HTTP layer turns this into a status code. */
  public enum Kind {
    INVALID,         // 400: malformed or failing validation
    UNAUTHENTICATED, // 401
    FORBIDDEN,       // 403
    NOT_FOUND,       // 404
    CONFLICT,        // 409
    TOO_LARGE,       // 413
    UNSUPPORTED_MEDIA_TYPE, // 415: a body in a type the endpoint does not take
    UNPROCESSABLE,   // 422: well-formed but refused by a rule (e.g. the age gate)
    RATE_LIMITED,    // 429
    UNAVAILABLE      // 503: a safeguard could not run, so the request was refused (fail closed)
  }

  private final Kind kind;
  private final String code;
  private final Long retryAfterSeconds;

  public Problem(Kind kind, String code, String message) {
    this(kind, code, message, null);
  }

  public Problem(Kind kind, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** For {@link Kind#RATE_LIMITED}: when to try again, in seconds; otherwise null. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static Problem invalid(String code, String message) {
    return new Problem(Kind.INVALID, code, message);
  }

  public static Problem notFound(String message) {
    return new Problem(Kind.NOT_FOUND, "not_found", message);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }
}
