package dev.confide.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.confide.app.Confide;
import dev.confide.store.DatabaseSettings;
import dev.confide.testing.ApiClient;
import dev.confide.testing.MutableClock;
import dev.confide.testing.PrivatePostgres;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL (a private instance, never the shared one) is stopped the hard way under a running
 * server and started again: meanwhile requests are answered 503 {@code database_unavailable} and
 * /readyz says not ready; afterwards the same server serves again by itself, with what it had
 * acknowledged before the outage, and its pool holds no broken or leaked connection.
 */
@Tag("P02")
class DatabaseOutageTest {
  private static final String PASSWORD = "correct horse battery staple 1";

  @TempDir Path tmp;

  @Test
  void requestsGet503DuringAnOutageAndTheServerRecoversWithoutARestart() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.start()) {
      // No schema: the private server is this test's alone, and nothing is dropped on the shared one.
      TestBackend.Location location = new TestBackend.Location(new DatabaseSettings(pg.jdbcUrl(), "postgres", "", null, 4), null);
      try (TestServer server = TestServer.on(location, tmp, "database:\n  connectionTimeoutMs: 1000\n",
          MutableClock.at("2026-11-02T10:00:00Z"), Confide.Hooks.NONE)) {
        ApiClient client = server.client();
        assertThat(client.signUp("Steady", "steady@example.com", PASSWORD, "1990-01-01").status()).isEqualTo(201);
        ApiClient.Response before = client.post("/api/conversations", Map.of("content", "before the outage", "model", "builtin-echo"));
        assertThat(before.status()).isEqualTo(201);
        String conversation = before.json().get("conversationId").asText();
        String answer = before.json().path("message").get("content").asText();

        pg.stopImmediately();
        ApiClient.Response turn = client.post("/api/conversations/" + conversation + "/messages",
            Map.of("content", "during the outage", "model", "builtin-echo"));
        assertThat(turn.status()).isEqualTo(503);
        assertThat(turn.errorCode()).isEqualTo("database_unavailable");
        assertThat(turn.headers().firstValue("Retry-After")).isPresent();
        assertThat(turn.text()).doesNotContain("Exception").doesNotContain("postgresql");
        assertThat(client.get("/api/conversations").status()).isEqualTo(503);
        ApiClient.Response ready = client.get("/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("database").asText()).isEqualTo("down");
        assertThat(client.get("/healthz").status()).as("alive, only not ready").isEqualTo(200);

        pg.startServer();
        int readyAfter = 0;
        while (client.get("/readyz").status() != 200 && readyAfter++ < 60) {
          Thread.sleep(500);
        }
        assertThat(client.get("/readyz").status()).isEqualTo(200);
        // Every pooled connection the outage broke must be replaced: many requests in a row all succeed.
        for (int i = 0; i < 12; i++) {
          assertThat(client.get("/api/conversations/" + conversation).status()).isEqualTo(200);
        }
        var view = client.get("/api/conversations/" + conversation).json();
        assertThat(view.get("messages")).hasSize(2);
        assertThat(view.get("messages").get(1).get("content").asText()).isEqualTo(answer);
        assertThat(client.post("/api/conversations/" + conversation + "/messages",
            Map.of("content", "after the outage", "model", "builtin-echo")).status()).isEqualTo(201);
        var pool = ((HikariDataSource) server.confide.database.dataSource()).getHikariPoolMXBean();
        assertThat(pool.getActiveConnections()).as("no connection leaked by the failed requests").isZero();
        assertThat(pool.getTotalConnections()).isLessThanOrEqualTo(server.config.database().maxPoolSize());
      }
    }
  }
}
