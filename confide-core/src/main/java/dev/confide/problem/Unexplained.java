package dev.confide.problem;

/**
 * An unexpected failure as it may be logged: the class and stack trace of every exception in the
 * cause chain, without their messages. Messages of exceptions we did not raise ourselves can hold
 * what the failing code was handling: a database driver quotes the values that broke a
 * constraint, a parser quotes its input. Logs leave the data's protection (they are shipped,
 * kept and read by operators), so they get where a failure happened, never what it was about.
 */
public final class Unexplained extends RuntimeException {
  private static final int MAX_CAUSES = 16;

  private final String type;

  private Unexplained(String type, Throwable cause) {
    super(type, cause, false, true);
    this.type = type;
  }

  /** {@code failure} and its causes, each reduced to its class name and stack trace. */
  public static Unexplained of(Throwable failure) {
    return of(failure, 0);
  }

  private static Unexplained of(Throwable failure, int depth) {
    Throwable cause = failure.getCause();
    Unexplained copy = new Unexplained(failure.getClass().getName(),
        cause == null || cause == failure || depth >= MAX_CAUSES ? null : of(cause, depth + 1));
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  @Override
  public String toString() {
    return type;
  }
}
