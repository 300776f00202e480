package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.crypto.ReceiptSigner;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrivacyRequestTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Tag("P11")
  @Tag("P23")
  @Tag("P27")
  @Tag("P30")
  @Tag("P32")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anAccessRequestYieldsAPortableArchiveOfEverythingHeld(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Archie Access", "archie@example.com", GatewayTest.PASSWORD, "1990-01-01");
      JsonNode first = ada.post("/api/conversations", Map.of("content", "first, with a comma", "model", "builtin-echo")).json();
      ada.post("/api/messages/" + first.get("userMessageId").asText() + "/edit", Map.of("content", "first, edited", "model", "builtin-echo"));
      ada.post("/api/messages/" + first.at("/message/id").asText() + "/feedback", Map.of("rating", "up"));
      ada.patch("/api/settings", Map.of("trainingOptOut", true));
      assertThat(ada.post("/api/tickets", Map.of("subject", "Billing", "body", "please check my invoice")).status()).isEqualTo(201);
      assertThat(ada.get("/api/tickets").json().at("/data/0/body").asText()).isEqualTo("please check my invoice");
      assertThat(ada.post("/api/tickets", Map.of("subject", "", "body", "x")).errorCode()).isEqualTo("invalid_subject");

      Response filed = ada.post("/api/privacy/requests", Map.of("type", "access"));
      assertThat(filed.status()).isEqualTo(201);
      JsonNode request = filed.json();
      assertThat(request.get("status").asText()).isEqualTo("completed");
      assertThat(Instant.parse(request.get("dueAt").asText())).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
      String key = server.client().get("/api/privacy/receipt-key").json().get("keyset").asText();
      assertThat(ReceiptSigner.verify(key, request.at("/receipt/payload").asText(), request.at("/receipt/signature").asText())).isTrue();
      java.util.UUID archie = server.confide.accounts.findByEmail("archie@example.com").orElseThrow();
      assertThat(server.confide.outbox.history(archie)).as("the receipt also goes by mail")
          .anySatisfy(m -> assertThat(m.template()).isEqualTo("request_receipt"));

      HttpResponse<byte[]> download = download(server, ada, request.get("download").asText());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
      Map<String, String> files = unzip(download.body());
      assertThat(files).containsOnlyKeys("report.json", "README.txt", "account.csv", "settings.csv", "consent_history.csv",
          "provider_consents.csv", "access_log.csv", "support_tickets.csv", "privacy_requests.csv", "privacy_request_history.csv",
          "legal_disclosures.csv", "conversations.csv", "messages.csv", "usage.csv");
      JsonNode report = JSON.readTree(files.get("report.json"));
      assertThat(report.at("/account/email").asText()).isEqualTo("archie@example.com");
      assertThat(report.at("/settings/trainingOptOut").asBoolean()).isTrue();
      assertThat(report.get("consentHistory")).isNotEmpty();
      JsonNode chat = report.at("/conversations/0");
      assertThat(report.get("conversations")).hasSize(1);
      assertThat(chat.get("title").asText()).isEqualTo("first, with a comma");
      JsonNode versions = chat.get("allVersions");
      assertThat(versions).as("every version, not only the branch").hasSize(4);
      assertThat(versions).extracting(v -> v.get("content").asText())
          .containsExactly("first, with a comma", "first, with a comma", "first, edited", "first, edited");
      assertThat(versions.get(1).get("rating").asText()).isEqualTo("up");
      assertThat(versions.get(1).get("parentId").asText()).isEqualTo(versions.get(0).get("id").asText());
      assertThat(chat.get("currentBranch")).as("the branch shown, by id: the edit and its answer")
          .extracting(JsonNode::asText).containsExactly(versions.get(2).get("id").asText(), versions.get(3).get("id").asText());
      assertThat(report.get("usage")).hasSize(2);
      assertThat(report.at("/usage/0/model").asText()).isEqualTo("builtin-echo");
      assertThat(report.get("accessLog")).isNotEmpty();
      assertThat(report.at("/supportTickets/0/body").asText()).as("P11").isEqualTo("please check my invoice");
      assertThat(report.get("privacyRequests")).isNotEmpty();
      assertThat(report.get("decisionData").asText()).contains("no link");
      assertThat(files.get("README.txt")).contains("no link");
      String messages = files.get("messages.csv");
      assertThat(messages).startsWith("conversation_id,message_id,parent_id,role,model,status,created_at,rating,content\n")
          .contains("\"first, with a comma\"").contains("first, edited").contains(",up,");
      assertThat(messages.lines()).hasSize(5);
      assertThat(files.get("conversations.csv")).contains("\"first, with a comma\"");
      assertThat(files.get("usage.csv").lines()).hasSize(3).first().asString().startsWith("created_at,endpoint,model");
      assertThat(files.get("account.csv")).contains("archie@example.com");
      assertThat(files.get("settings.csv")).contains("trainingOptOut");
      assertThat(files.get("consent_history.csv")).contains("trainingOptOut");
      assertThat(files.get("support_tickets.csv")).contains("please check my invoice");
      assertThat(files.get("access_log.csv").lines()).hasSizeGreaterThan(1);

      // A second request's archive lists the first, completed, with its signed receipt.
      JsonNode second = ada.post("/api/privacy/requests", Map.of("type", "export")).json();
      JsonNode again = JSON.readTree(unzip(download(server, ada, second.get("download").asText()).body()).get("report.json"));
      assertThat(again.get("privacyRequests")).anySatisfy(r -> {
        assertThat(r.get("id").asText()).isEqualTo(request.get("id").asText());
        assertThat(r.get("receipt_payload").asText()).isEqualTo(request.at("/receipt/payload").asText());
        assertThat(r.get("receipt_signature").asText()).isEqualTo(request.at("/receipt/signature").asText());
      });
      assertThat(again.get("privacyRequestHistory")).anySatisfy(e -> assertThat(e.get("status").asText()).isEqualTo("completed"));

      long stored = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT COUNT(*) FROM export_chunks c JOIN privacy_requests r ON r.id = c.request_id WHERE r.archive_key_sealed IS NOT NULL")
          .mapTo(Long.class).one());
      assertThat(stored).as("the archives are stored sealed, in chunks").isGreaterThanOrEqualTo(2);
      assertThat(server.confide.config.dataPath().resolve("scratch")).as("no scratch file outlives the request")
          .isEmptyDirectory();
      assertThat(server.client().get(request.get("download").asText()).status()).isEqualTo(401);
      ApiClient eve = server.client();
      eve.signUp("Eve", "eve-requests@example.com", GatewayTest.PASSWORD, "1990-01-01");
      assertThat(eve.get(request.get("download").asText()).status()).isEqualTo(404);
      assertThat(eve.get("/api/privacy/requests/" + request.get("id").asText()).status()).isEqualTo(404);

      ApiClient later = server.client().withBearer(ada.post("/api/keys", Map.of()).json().get("secret").asText());
      server.clock.advance(Duration.ofDays(8));
      assertThat(later.get(request.get("download").asText()).errorCode()).isEqualTo("download_expired");

      // P32: an archive whose link has expired is not kept; a fresh one is.
      JsonNode fresh = later.post("/api/privacy/requests", Map.of("type", "export")).json();
      assertThat(server.confide.retention.run().archivesExpired()).as("both expired archives").isEqualTo(2);
      assertThat(server.confide.retention.run().archivesExpired()).as("idempotent").isZero();
      long left = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT COUNT(DISTINCT request_id) FROM export_chunks").mapTo(Long.class).one());
      assertThat(left).as("only the fresh archive's chunks remain").isEqualTo(1);
      assertThat(later.get(request.get("download").asText()).errorCode()).as("still says why it is gone").isEqualTo("download_expired");
      assertThat(later.get(fresh.get("download").asText()).status()).isEqualTo(200);
    }
  }

  /**
   * A subject with more conversations than one page, a conversation longer than one page, and an
   * archive larger than one stored chunk: everything arrives once, in order, and opens.
   */
  @Tag("P23")
  @Tag("P27")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aLargeSubjectsArchiveComesWholeThroughPagesAndChunks(TestBackend backend) throws Exception {
    String noLimits = "rateLimits:\n  perSubject: {requestsPerMinute: 1000000, tokensPerMinute: 1000000000}\n"
        + "  perApiKey: {requestsPerMinute: 1000000, tokensPerMinute: 1000000000}\n";
    try (TestServer server = TestServer.start(backend, tmp, noLimits, false)) {
      ApiClient ada = server.client();
      ada.signUp("Lara Large", "lara@example.com", GatewayTest.PASSWORD, "1990-01-01");
      java.util.UUID lara = server.confide.accounts.findByEmail("lara@example.com").orElseThrow();
      var caller = new dev.confide.chat.ChatService.Caller(lara, null, "chat");
      java.util.Random random = new java.util.Random(7);
      List<dev.confide.models.ChatMessage> turns = new java.util.ArrayList<>();
      for (int i = 0; i < 300; i++) {
        // Random letters barely compress, so the archive needs more than one 1 MiB chunk.
        StringBuilder text = new StringBuilder("turn " + i + " ");
        random.ints(4000, 'a', 'z' + 1).forEach(c -> text.append((char) c));
        turns.add(new dev.confide.models.ChatMessage(i % 2 == 0 ? "user" : "assistant", text.toString()));
      }
      server.confide.chat.complete(caller, null, turns, "builtin-echo", dev.confide.chat.ChatService.Options.DEFAULT);
      for (int i = 0; i < 120; i++) {
        server.confide.chat.complete(caller, null, List.of(dev.confide.models.ChatMessage.user("short " + i)), "builtin-echo",
            dev.confide.chat.ChatService.Options.DEFAULT);
      }

      JsonNode request = ada.post("/api/privacy/requests", Map.of("type", "export")).json();
      long chunks = server.confide.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM export_chunks")
          .mapTo(Long.class).one());
      assertThat(chunks).as("stored in more than one chunk").isGreaterThan(1);
      Map<String, String> files = unzip(download(server, ada, request.get("download").asText()).body());
      JsonNode report = JSON.readTree(files.get("report.json"));
      assertThat(report.get("conversations")).as("past the first page").hasSize(121);
      JsonNode longest = java.util.stream.StreamSupport.stream(report.get("conversations").spliterator(), false)
          .filter(c -> c.get("allVersions").size() > 1).findFirst().orElseThrow();
      assertThat(longest.get("allVersions")).as("past the first page of versions").hasSize(300);
      for (int i = 0; i < 300; i++) {
        assertThat(longest.at("/allVersions/" + i + "/content").asText()).startsWith("turn " + i + " ");
      }
      assertThat(longest.get("currentBranch")).hasSize(300);
      assertThat(files.get("messages.csv").lines()).as("header and one line each (no content holds a line break)")
          .hasSize(1 + 300 + 120);
      assertThat(files.get("conversations.csv").lines()).hasSize(1 + 121);
    }
  }

  @Tag("P26")
  @Tag("P28")
  @Tag("P17")
  @Tag("P29")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void requestsToRestrictObjectAndOptOutTakeEffectAtOnceWithDeadlinesPerLaw(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Rita Requests", "rita@example.com", GatewayTest.PASSWORD, "1990-01-01");
      JsonNode restrict = ada.post("/api/privacy/requests", Map.of("type", "restrict")).json();
      assertThat(restrict.get("status").asText()).isEqualTo("completed");
      assertThat(ada.get("/api/settings").json().get("restricted").asBoolean()).isTrue();
      JsonNode object = ada.post("/api/privacy/requests", Map.of("type", "object", "purposes", List.of("marketing", "profiling"),
          "jurisdiction", "ccpa")).json();
      assertThat(Instant.parse(object.get("dueAt").asText())).isEqualTo(Instant.parse("2026-12-17T10:00:00Z"));
      assertThat(ada.get("/api/settings").json().at("/objections/marketing").asBoolean()).isTrue();
      ada.post("/api/privacy/requests", Map.of("type", "opt_out_sale"));
      ada.post("/api/privacy/requests", Map.of("type", "limit_sensitive"));
      JsonNode settings = ada.get("/api/settings").json();
      assertThat(settings.get("optOutOfSale").asBoolean()).isTrue();
      assertThat(settings.get("limitSensitive").asBoolean()).isTrue();

      JsonNode rectify = ada.post("/api/privacy/requests", Map.of("type", "rectify")).json();
      assertThat(rectify.get("status").asText()).isEqualTo("received");
      server.clock.advance(Duration.ofDays(32));
      assertThat(server.confide.privacyRequests.overdue()).hasSize(1);
      server.confide.privacyRequests.extend(java.util.UUID.fromString(rectify.get("id").asText()), "complex records");
      assertThat(server.confide.privacyRequests.overdue()).isEmpty();
      server.clock.advance(Duration.ofDays(-32));
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "teleport")).errorCode()).isEqualTo("invalid_type");
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "object")).errorCode()).isEqualTo("invalid_purposes");
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "access", "jurisdiction", "mars")).errorCode())
          .isEqualTo("invalid_jurisdiction");
    }
  }

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anErasureRequestErasesWithAReceipt(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Erika", "erika@example.com", GatewayTest.PASSWORD, "1990-01-01");
      Response erased = ada.post("/api/privacy/requests", Map.of("type", "erase"));
      assertThat(erased.status()).isEqualTo(201);
      assertThat(erased.json().at("/receipt/payload").asText()).contains("\"type\":\"erasure\"");
      assertThat(server.client().logIn("erika@example.com", GatewayTest.PASSWORD).status()).isEqualTo(401);
    }
  }

  @Tag("P25")
  @Tag("P30")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anErasureThatCannotBeRecordedLeavesTheRequestOpenWithoutAReceipt(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Erin", "erin@example.com", GatewayTest.PASSWORD, "1990-01-01");
      // The ledger file outside the database cannot be written (here: a directory stands in its place),
      // and an erasure whose ledger line cannot be written does not happen.
      java.nio.file.Files.createDirectories(java.nio.file.Path.of(server.config.dataDir()).resolve("erasure-ledger.jsonl"));
      Response erased = ada.post("/api/privacy/requests", Map.of("type", "erase"));
      assertThat(erased.status()).isEqualTo(500);
      assertThat(ada.get("/api/me").status()).as("the account is still there").isEqualTo(200);
      JsonNode filed = ada.get("/api/privacy/requests").json().get("data").get(0);
      assertThat(filed.get("type").asText()).isEqualTo("erase");
      assertThat(filed.get("status").asText()).as("still open, so staff see it and the deadline runs").isEqualTo("received");
      assertThat(filed.get("completedAt").isNull()).isTrue();
    }
  }

  @Tag("P23")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void archivesAreBuiltAtMostFiveTimesADayPerSubject(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Often", "often@example.com", GatewayTest.PASSWORD, "1990-01-01");
      ApiClient byKey = server.client().withBearer(ada.post("/api/keys", Map.of()).json().get("secret").asText());
      for (int i = 0; i < 5; i++) {
        server.clock.advance(Duration.ofMinutes(10));
        assertThat((i % 2 == 0 ? ada : byKey).post("/api/privacy/requests", Map.of("type", i % 2 == 0 ? "export" : "access")).status())
            .isEqualTo(201);
      }
      int filed = ada.get("/api/privacy/requests").json().get("data").size();
      Response refused = byKey.post("/api/privacy/requests", Map.of("type", "export"));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.errorCode()).isEqualTo("privacy_request_limit");
      // The first of the five was filed 40 minutes before the sixth: it leaves the window in 23 h 20 min.
      assertThat(refused.headers().firstValue("Retry-After")).hasValue(String.valueOf(Duration.ofHours(23).plusMinutes(20).toSeconds() + 1));
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "access")).errorCode()).isEqualTo("privacy_request_limit");
      assertThat(ada.get("/api/privacy/requests").json().get("data").size()).as("a refused request is not filed").isEqualTo(filed);
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "restrict")).status()).as("other types are not limited").isEqualTo(201);
      ApiClient bob = server.client();
      bob.signUp("Bob", "bob-often@example.com", GatewayTest.PASSWORD, "1990-01-01");
      assertThat(bob.post("/api/privacy/requests", Map.of("type", "export")).status()).as("per subject").isEqualTo(201);

      server.clock.advance(Duration.ofHours(23).plusMinutes(20).plusSeconds(1));
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "export")).status()).isEqualTo(201);
      assertThat(ada.post("/api/privacy/requests", Map.of("type", "export")).errorCode()).isEqualTo("privacy_request_limit");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void supportTicketsAreOpenedAtMostTwentyTimesADayPerSubject(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada Tickets", "tickets-often@example.com", GatewayTest.PASSWORD, "1990-01-01");
      for (int i = 0; i < 20; i++) {
        assertThat(ada.post("/api/tickets", Map.of("subject", "Help " + i, "body", "please")).status()).isEqualTo(201);
      }
      Response refused = ada.post("/api/tickets", Map.of("subject", "Help 20", "body", "please"));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.errorCode()).isEqualTo("ticket_limit");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue(String.valueOf(Duration.ofDays(1).toSeconds() + 1));
      assertThat(ada.get("/api/tickets").json().get("data").size()).as("the refused one is not stored").isEqualTo(20);
      server.clock.advance(Duration.ofDays(1).plusSeconds(1));
      assertThat(ada.post("/api/tickets", Map.of("subject", "Next day", "body", "please")).status()).isEqualTo(201);
    }
  }

  static HttpResponse<byte[]> download(TestServer server, ApiClient client, String path) throws Exception {
    String cookie = client.cookies().getCookieStore().getCookies().stream().filter(c -> c.getName().equals("confide_session"))
        .findFirst().orElseThrow().toString();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static Map<String, String> unzip(byte[] zip) throws Exception {
    Map<String, String> files = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
