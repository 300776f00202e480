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

  @org.junit.jupiter.api.Test
  void metricsNeedTheTokenOrComeOnlyToThisHost() {
    String token = "metrics-token-0123456789abcdef-0123";
    try (TestServer local = TestServer.start(TestBackend.H2, tmp)) {
      assertThat(local.client().get("/metrics").status()).as("a scraper on this host").isEqualTo(200);
      ApiClient.Response proxied = local.client().send("GET", "/metrics", null, java.util.Map.of("X-Forwarded-For", "203.0.113.5"));
      assertThat(proxied.status()).as("through a proxy on this host").isEqualTo(403);
      assertThat(proxied.errorCode()).isEqualTo("metrics_local_only");
      assertThat(proxied.text()).doesNotContain("jvm_memory_used_bytes");
    }
    try (TestServer guarded = TestServer.start(TestBackend.H2, tmp.resolve("guarded"), "server: {metricsToken: \"" + token + "\"}\n", false)) {
      assertThat(guarded.client().get("/metrics").status()).isEqualTo(401);
      assertThat(guarded.client().withBearer(token + "x").get("/metrics").status()).isEqualTo(401);
      ApiClient.Response scraped = guarded.client().withBearer(token).get("/metrics");
      assertThat(scraped.status()).isEqualTo(200);
      assertThat(scraped.text()).contains("jvm_memory_used_bytes");
    }
  }
}
