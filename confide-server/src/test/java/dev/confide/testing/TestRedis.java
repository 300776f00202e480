package dev.confide.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/** The real Redis at 127.0.0.1:6379; skipped with a message when absent, except under CI. */
public final class TestRedis {
  public static final String URL = System.getenv().getOrDefault("CONFIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private TestRedis() {}

  public static String require() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 6379), 2000);
      return URL;
    } catch (IOException e) {
      String message = "Redis is unreachable at 127.0.0.1:6379 (" + e.getMessage() + ")";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message + "; under CI=true the Redis tests must run", e);
      }
      System.err.println("SKIPPING Redis test: " + message);
      Assumptions.abort(message);
      return null;
    }
  }
}
