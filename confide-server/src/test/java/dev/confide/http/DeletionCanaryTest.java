package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.analytics.Epsilon;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Unique canary strings planted as a subject's name, email, messages and ticket text, through
 * every feature; they must never be readable at rest (every table, the data directory's files),
 * and once the subject is erased and the sweeps have run past the deletion window they must be
 * gone from every table, the outbox, the training export and other subjects' exports.
 */
@Tag("P01")
@Tag("P25")
@Tag("P32")
class DeletionCanaryTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void canariesAreNeverStoredInPlaintextAndAreGoneEverywhereAfterErasure(TestBackend backend) throws Exception {
    String token = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String name = "Quintessa Canary" + token.substring(0, 4).toUpperCase(java.util.Locale.ROOT).replaceAll("[0-9]", "Q");
    String email = "canary." + token + "@example.com";
    String message = "please remember my code word is cnry" + token;
    String ticket = "ticket text cnry" + token;
    List<String> canaries = List.of(token, email, name, "cnry" + token);
    // lumis: its policy uses content for training, so the training export runs (infuzu refuses it).
    try (TestServer server = TestServer.start(backend, tmp, "policy: lumis\n", false)) {
      ApiClient victim = server.client();
      victim.signUp(name, email, GatewayTest.PASSWORD, "1990-01-01");
      String conversation = victim.post("/api/conversations", Map.of("content", message, "model", "builtin-echo"))
          .json().get("conversationId").asText();
      victim.post("/api/conversations/" + conversation + "/messages", Map.of("content", message + " again", "model", "builtin-tiny"));
      String messageId = victim.get("/api/conversations/" + conversation).json().at("/messages/1/id").asText();
      victim.post("/api/messages/" + messageId + "/feedback", Map.of("rating", "up"));
      victim.post("/api/tickets", Map.of("subject", "help", "body", ticket));
      victim.post("/api/keys", Map.of("name", "key of " + name));
      victim.patch("/api/settings", Map.of("trainingOptOut", false));
      victim.post("/api/privacy/requests", Map.of("type", "export"));
      server.confide.outbox.enqueue(server.confide.accounts.findByEmail(email).orElseThrow(),
          dev.confide.notify.MailKind.LEGAL, "product_update", Map.of("title", "hello " + name, "message", message));
      server.confide.mailDispatcher.runOnce();

      ApiClient bystander = server.client();
      bystander.signUp("Bystander Bob", "bob@example.com", GatewayTest.PASSWORD, "1990-01-01");
      bystander.post("/api/conversations", Map.of("content", "an ordinary question", "model", "builtin-echo"));

      assertThat(findInTables(server, canaries)).as("sealed at rest: no table holds a canary in plaintext").isEmpty();
      if (backend == TestBackend.H2) {
        assertThat(findInFiles(h2Directory(server), canaries)).as("nor do the database files").isEmpty();
      }

      assertThat(victim.delete("/api/me").status()).isEqualTo(200);
      server.clock.advance(Duration.ofDays(server.confide.config.keys().deletionWindowDays() + 1));
      server.confide.retention.run();

      assertThat(findInTables(server, canaries)).as("no table after erasure").isEmpty();
      assertThat(findInFiles(server.confide.config.dataPath(), canaries)).as("no file of the data directory (outbox, ledger)").isEmpty();
      if (backend == TestBackend.H2) {
        assertThat(findInFiles(h2Directory(server), canaries)).as("no database file").isEmpty();
      }
      StringWriter training = new StringWriter();
      server.confide.trainingExport.export(training, Epsilon.of("0.1"));
      assertThat(canaries).noneMatch(c -> training.toString().contains(c));
      ApiClient bob = server.client();
      bob.logIn("bob@example.com", GatewayTest.PASSWORD);
      String bobsExport = bob.post("/api/privacy/requests", Map.of("type", "access")).text()
          + bob.get("/api/conversations").text();
      assertThat(canaries).noneMatch(bobsExport::contains);
    }
  }

  private static List<String> findInTables(TestServer server, List<String> canaries) {
    List<String> found = new ArrayList<>();
    server.confide.database.jdbi().useHandle(h -> {
      List<String> tables = new ArrayList<>();
      String schema = server.location().schema() == null ? "public" : server.location().schema();
      try (ResultSet rs = h.getConnection().getMetaData().getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
        while (rs.next()) {
          if (schema.equalsIgnoreCase(rs.getString("TABLE_SCHEM"))) {
            tables.add(schema + "." + rs.getString("TABLE_NAME"));
          }
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      assertThat(tables).as("the table list must not come back empty").hasSizeGreaterThan(20);
      for (String table : tables) {
        for (Map<String, Object> row : h.createQuery("SELECT * FROM " + table).mapToMap().list()) {
          for (Object value : row.values()) {
            String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(value);
            canaries.stream().filter(text::contains).forEach(c -> found.add(table + " holds " + c));
          }
        }
      }
    });
    return found;
  }

  private static Path h2Directory(TestServer server) {
    String url = server.location().settings().url();
    return Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';'))).getParent();
  }

  private static List<String> findInFiles(Path dir, List<String> canaries) throws IOException {
    List<String> found = new ArrayList<>();
    if (!Files.exists(dir)) {
      return found;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        String utf16 = new String(Files.readAllBytes(file), StandardCharsets.UTF_16LE);
        canaries.stream().filter(c -> bytes.contains(c) || utf16.contains(c)).forEach(c -> found.add(file + " holds " + c));
      }
    }
    return found;
  }
}
