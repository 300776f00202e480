package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.crypto.ReceiptSigner;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P25")
class ErasureTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> SUBJECT_TABLES = List.of("accounts", "subject_keys", "sessions", "api_keys", "conversations", "messages",
      "comparisons", "message_feedback", "subject_settings", "consent_ledger", "pii_provider_consents", "usage_records", "access_logs", "privacy_requests", "privacy_request_events", "support_tickets", "email_verifications");

  static long rowsOf(Confide confide, UUID subject) {
    return confide.database.jdbi().withHandle(h -> {
      long total = 0;
      for (String table : SUBJECT_TABLES) {
        total += h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE subject_id = :s").bind("s", subject).mapTo(Long.class).one();
      }
      return total;
    });
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void erasureShredsAtOnceSignsAReceiptAndThePurgeLeavesNothing(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Erin Erasable", "erin@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID subject = server.confide.accounts.authenticate("erin@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      String secret = ada.post("/api/keys", Map.of()).json().get("secret").asText();
      String conversation = ada.post("/api/conversations", Map.of("content", "erin's private thought", "model", "builtin-echo"))
          .json().get("conversationId").asText();
      ada.patch("/api/settings", Map.of("trainingOptOut", true));
      assertThat(ada.post("/api/tickets", Map.of("subject", "help", "body", "erin's ticket text")).status()).isEqualTo(201);
      ada.post("/api/privacy/requests", Map.of("type", "access"));
      String compared = ada.post("/api/conversations/" + conversation + "/compare", Map.of("content", "pick one")).json().get("id").asText();
      ada.post("/api/comparisons/" + compared + "/decision", Map.of("choice", "a"));
      int decisions = server.confide.decisionData.all().size();

      assertThat(server.client().withBearer(secret).delete("/api/me").errorCode()).as("not with an API key").isEqualTo("session_required");
      Response erased = ada.delete("/api/me");
      assertThat(erased.status()).isEqualTo(200);
      String payload = erased.json().at("/receipt/payload").asText();
      String signature = erased.json().at("/receipt/signature").asText();
      String publicKey = server.client().get("/api/privacy/receipt-key").json().get("keyset").asText();
      assertThat(publicKey).contains("EcdsaPublicKey").contains("ASYMMETRIC_PUBLIC").doesNotContain("EcdsaPrivateKey");
      assertThat(ReceiptSigner.verify(publicKey, payload, signature)).as("verifies offline").isTrue();
      assertThat(ReceiptSigner.verify(publicKey, payload.replace("erasure", "erasurf"), signature)).isFalse();
      JsonNode receipt = JSON.readTree(payload);
      assertThat(receipt.get("subject").asText()).isEqualTo(subject.toString());
      assertThat(receipt.get("kept")).extracting(k -> k.get("what").asText()).contains("anonymized decision data",
          "usage and billing totals", "the erasure ledger entry", "audit records", "security-incident and legal-disclosure records");

      assertThat(ada.get("/api/me").status()).as("the session is dead").isEqualTo(401);
      assertThat(server.client().withBearer(secret).get("/api/me").status()).as("the key is dead").isEqualTo(401);
      assertThat(server.client().logIn("erin@example.com", GatewayTest.PASSWORD).status()).isEqualTo(401);
      assertThat(server.confide.subjectKeys.exists(subject)).as("crypto-shredded at once").isFalse();

      // A mail whose send was under way during the erasure left its local copy behind.
      Path outbox = Path.of(server.config.dataDir()).resolve(server.config.mail().outboxDir());
      java.nio.file.Files.createDirectories(outbox);
      Path late = java.nio.file.Files.writeString(outbox.resolve(subject + "_" + UUID.randomUUID() + ".eml"), "To: erin@example.com");
      server.confide.retention.run();
      assertThat(rowsOf(server.confide, subject)).as("every row purged").isZero();
      assertThat(late).as("the purge deletes the subject's outbox files").doesNotExist();
      long usage = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_records").mapTo(Long.class).one());
      assertThat(usage).as("usage totals kept under a tombstone").isPositive();
      // An answer that was still streaming when the account was erased finishes after the purge.
      server.confide.usage.record(new dev.confide.usage.UsageRecord(subject, UUID.randomUUID(), "api", "builtin-echo",
          "confide-builtin", 10, 20, 3, 5, 40, 10L, "ok", null, "off", null));
      assertThat(rowsOf(server.confide, subject)).as("a late usage record goes under the tombstone too").isZero();
      long underTombstone = server.confide.database.jdbi().withHandle(h -> h.createQuery(
              "SELECT COUNT(*) FROM usage_records WHERE api_key_id IS NULL AND subject_id = (SELECT tombstone FROM erasure_ledger WHERE subject_id = :s)")
          .bind("s", subject).mapTo(Long.class).one());
      assertThat(underTombstone).isEqualTo(usage + 1);
      assertThat(server.confide.decisionData.all()).as("anonymized decision data survives").hasSize(decisions);
      assertThat(server.client().signUp("Erin Again", "erin@example.com", GatewayTest.PASSWORD, "1990-01-01").status())
          .as("the email is free again").isEqualTo(201);
    }
  }

  /** The backup's database file replaces the current one; the files outside the database stay. */
  private Confide restore(Path backup, Path dataDir) throws Exception {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(backup))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Files.copy(zip, dataDir.resolve(Path.of(entry.getName()).getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    var config = TestServer.config(new TestBackend.Location(dev.confide.store.DatabaseSettings.embedded(dataDir, 2), null), tmp, "");
    return Confide.open(config, dev.confide.testing.MutableClock.at("2026-11-03T10:00:00Z"));
  }

  @Tag("P03")
  @Test
  void chatsDeletedAndKeysRevokedAfterABackupStayGoneAfterItsRestore() throws Exception {
    Path backup = tmp.resolve("backup.zip");
    Path dataDir;
    UUID subject;
    String kept;
    String secret;
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      dataDir = server.config.dataPath();
      ApiClient bo = server.client();
      bo.signUp("Bo Backup", "bo@example.com", GatewayTest.PASSWORD, "1990-01-01");
      subject = server.confide.accounts.authenticate("bo@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      String deleted = bo.post("/api/conversations", Map.of("content", "delete me later", "model", "builtin-echo"))
          .json().get("conversationId").asText();
      kept = bo.post("/api/conversations", Map.of("content", "keep me", "model", "builtin-echo")).json().get("conversationId").asText();
      Response key = bo.post("/api/keys", Map.of("name", "laptop"));
      secret = key.json().get("secret").asText();
      server.confide.database.backupTo(backup);

      assertThat(bo.delete("/api/conversations/" + deleted).status()).isEqualTo(204);
      assertThat(bo.delete("/api/keys/" + key.json().get("id").asText()).status()).isEqualTo(204);
    }
    try (Confide restored = restore(backup, dataDir)) {
      assertThat(restored.conversations.list(subject, 10, null).items()).as("the backup brought the chat back").hasSize(2);
      assertThat(restored.apiKeys.authenticate(secret)).as("and the key").isPresent();
      var journal = restored.deletionJournal.entries();
      assertThat(restored.conversations.reapply(journal)).isEqualTo(1);
      assertThat(restored.apiKeys.reapply(journal)).isEqualTo(1);
      assertThat(restored.conversations.list(subject, 10, null).items()).extracting(c -> c.id().toString()).containsExactly(kept);
      assertThat(restored.apiKeys.authenticate(secret)).isEmpty();
      assertThat(restored.conversations.reapply(journal) + restored.apiKeys.reapply(journal)).as("idempotent").isZero();

      restored.conversations.deleteAll(subject);
    }
    try (Confide restoredAgain = restore(backup, dataDir)) {
      var journal = restoredAgain.deletionJournal.entries();
      assertThat(restoredAgain.conversations.reapply(journal)).as("deleting all chats is re-applied too").isEqualTo(2);
      assertThat(restoredAgain.conversations.list(subject, 10, null).items()).isEmpty();
    }
  }

  @Test
  void backUpEraseRestoreReapplyAndTheSubjectIsGone() throws Exception {
    Path backup = tmp.resolve("backup.zip");
    UUID subject;
    Path dataDir;
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      dataDir = server.config.dataPath();
      ApiClient ada = server.client();
      ada.signUp("Restored Person", "restored@example.com", GatewayTest.PASSWORD, "1990-01-01");
      subject = server.confide.accounts.authenticate("restored@example.com", GatewayTest.PASSWORD.toCharArray()).orElseThrow();
      ada.post("/api/conversations", Map.of("content", "before the backup", "model", "builtin-echo"));
      server.confide.database.backupTo(backup);
      assertThat(ada.delete("/api/me").status()).isEqualTo(200);
    }
    try (Confide restored = restore(backup, dataDir)) {
      assertThat(restored.subjectKeys.exists(subject)).as("the backup brought the subject back").isTrue();
      assertThat(restored.erasure.reapply()).isEqualTo(1);
      restored.retention.run();
      assertThat(restored.subjectKeys.exists(subject)).isFalse();
      assertThat(rowsOf(restored, subject)).isZero();
      assertThat(restored.accounts.authenticate("restored@example.com", GatewayTest.PASSWORD.toCharArray())).isEmpty();
      assertThat(restored.erasure.reapply()).as("idempotent").isZero();
    }
  }
}
