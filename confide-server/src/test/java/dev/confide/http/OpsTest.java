package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OpsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void healthReadinessAndMetrics(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient c = server.client();
      assertThat(c.get("/healthz").json().get("status").asText()).isEqualTo("ok");
      ApiClient.Response ready = c.get("/readyz");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().get("database").asText()).isEqualTo("up");
      assertThat(ready.json().get("keys").asText()).isEqualTo("loaded");
      c.signUp("Metric Person", "metrics@example.com", "a long passphrase 42", "1990-01-01");
      ApiClient.Response metrics = c.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("http_server_requests_seconds_count").contains("route=\"/api/auth/signup\"")
          .contains("jvm_memory_used_bytes").doesNotContain("metrics@example.com");
      assertThat(ready.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");

      server.confide.database.close(); // the database goes away
      ApiClient.Response notReady = c.get("/readyz");
      assertThat(notReady.status()).isEqualTo(503);
      assertThat(notReady.json().get("database").asText()).isEqualTo("down");
      assertThat(c.get("/healthz").status()).as("alive, just not ready").isEqualTo(200);
    }
  }
}
