package dev.confide.models;

/**
 * Receives an answer as it streams. Throwing {@link ClientGoneException} tells the provider the
 * listener went away: it stops reading and closes its upstream connection.
 */
@FunctionalInterface
public interface DeltaSink {
  DeltaSink IGNORE = delta -> {};

  void accept(String delta);

  /** The consumer of a stream disconnected. */
  final class ClientGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientGoneException(Throwable cause) {
      super("the client went away", cause);
    }
  }
}
