package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.LogCapture;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Logs never contain names, emails, passwords, message text or keys: sign up with canary values,
 * use every endpoint (including failing calls), and look for the canaries in every log line as the
 * JSON encoder writes it, with Confide's own loggers at DEBUG.
 */
@Tag("P01")
class LogCanaryTest {
  @TempDir Path tmp;

  private static final String NAME = "Quillon Canaryname";
  private static final String EMAIL = "quillon.canarymail@example.org";
  private static final String PASSWORD = "canary-passphrase-7731";
  private static final String COMPANY = "Canarycorp Holdings";

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void noCanaryReachesAnyLogLine(TestBackend backend) {
    List<String> lines;
    String apiKeySecret;
    try (LogCapture log = new LogCapture()) {
      try (TestServer server = TestServer.start(backend, tmp)) {
        ApiClient user = server.client();
        assertThat(user.signUp(NAME, EMAIL, PASSWORD, "1985-06-15").status()).isEqualTo(201);
        user.get("/api/me");
        user.patch("/api/me", Map.of("company", COMPANY, "role", "Canary Role", "preferences", Map.of("note", COMPANY)));
        apiKeySecret = user.post("/api/keys", Map.of("name", COMPANY)).json().get("secret").asText();
        server.client().withBearer(apiKeySecret).get("/api/me");
        user.get("/api/keys");
        server.client().signUp(NAME, EMAIL, PASSWORD, "1985-06-15"); // duplicate
        server.client().signUp(NAME, "canary-bad-email", PASSWORD, "1985-06-15");
        server.client().signUp(NAME, "young." + EMAIL, PASSWORD, "2020-01-01");
        server.client().send("POST", "/api/auth/signup", "{\"name\":\"" + NAME + "\", broken", Map.of());
        server.client().logIn(EMAIL, PASSWORD + "-wrong");
        ApiClient again = server.client();
        again.logIn(EMAIL, PASSWORD);
        again.post("/api/auth/logout", null);
        user.withCsrf("canary-wrong-token").patch("/api/me", Map.of("name", NAME + " again"));
        server.confide.keyRotation.rotateNow();
      } // the lines of shutting down count too
      lines = log.lines();
    }
    assertThat(lines).as("the test saw log output at all").isNotEmpty();
    String secretTail = apiKeySecret.substring(4);
    for (String line : lines) {
      assertThat(line.toLowerCase()).doesNotContain("canary").doesNotContain("quillon")
          .doesNotContain(PASSWORD).doesNotContain(secretTail).doesNotContain("1985-06-15");
    }
  }
}
