package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.confide.analytics.Epsilon;
import dev.confide.crypto.FieldRef;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Unique canary strings planted as a subject's name, email, messages, ticket text and API-key name,
 * through every feature (chat, feedback, a comparison and its decision, settings, an export, mail);
 * they must never be readable at rest — every table, the H2 files or a {@code pg_dump} of the
 * schema, the log output, temporary files — and once the subject is erased and the sweeps have run
 * past the deletion window they must be gone from all of those and from the mail outbox, the
 * training export, the decision data and another subject's export, and nothing of the subject may
 * open any more (no cached key, session or API key survives). Confide has no upload feature, so
 * there is no upload to plant a canary in.
 */
@Tag("P01")
@Tag("P05")
@Tag("P25")
@Tag("P32")
class DeletionCanaryTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void canariesAreNeverStoredInPlaintextAndAreGoneEverywhereAfterErasure(TestBackend backend) throws Exception {
    TempFiles tempFiles = TempFiles.snapshot(tmp);
    String token = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String name = "Quintessa Canary" + token.substring(0, 4).toUpperCase(java.util.Locale.ROOT).replaceAll("[0-9]", "Q");
    String email = "canary." + token + "@example.com";
    String codeWord = "cnry" + token;
    String message = "please remember my code word is " + codeWord;
    String ticket = "ticket text " + codeWord;
    List<String> canaries = List.of(token, email, name, codeWord);
    // lumis: its policy uses content for training, so the training export runs (infuzu refuses it).
    try (CapturedLogs logs = CapturedLogs.start();
         TestServer server = TestServer.start(backend, tmp, "policy: lumis\n", false)) {
      ApiClient victim = server.client();
      victim.signUp(name, email, GatewayTest.PASSWORD, "1990-01-01");
      UUID victimId = server.confide.accounts.findByEmail(email).orElseThrow();
      String conversation = victim.post("/api/conversations", Map.of("content", message, "model", "builtin-echo"))
          .json().get("conversationId").asText();
      victim.post("/api/conversations/" + conversation + "/messages", Map.of("content", message + " again", "model", "builtin-tiny"));
      String messageId = victim.get("/api/conversations/" + conversation).json().at("/messages/1/id").asText();
      victim.post("/api/messages/" + messageId + "/feedback", Map.of("rating", "up"));
      // Opted in to everything that keeps data beyond the conversation: training, decision data.
      assertThat(victim.patch("/api/settings", Map.of("trainingOptOut", false, "dataCollection", true)).status()).isEqualTo(200);
      // A compared turn carrying the name and email: the decision data keeps it, redacted (P05).
      String introduction = "Hello, my name is " + name + " and my email is " + email + ".";
      String compared = victim.post("/api/conversations", Map.of("content", introduction, "model", "builtin-echo"))
          .json().get("conversationId").asText();
      ApiClient.Response comparison = victim.post("/api/conversations/" + compared + "/compare",
          Map.of("content", introduction + " Which answer is better?", "models", List.of("builtin-echo", "builtin-tiny")));
      assertThat(comparison.status()).as(comparison.text()).isEqualTo(201);
      assertThat(victim.post("/api/comparisons/" + comparison.json().get("id").asText() + "/decision", Map.of("choice", "a"))
          .status()).isEqualTo(200);
      victim.post("/api/tickets", Map.of("subject", "help", "body", ticket));
      String key = victim.post("/api/keys", Map.of("name", "key of " + name)).json().get("secret").asText();
      ApiClient.Response export = victim.post("/api/privacy/requests", Map.of("type", "export"));
      server.confide.outbox.enqueue(victimId, dev.confide.notify.MailKind.LEGAL, "product_update",
          Map.of("title", "hello " + name, "message", message));
      server.confide.mailDispatcher.runOnce();
      // A sealed field of the subject, read and opened once so the subject's key sits in the key cache.
      Map<String, Object> sealedRow = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT id, content_sealed FROM messages WHERE subject_id = :s AND conversation_id = :c AND role = 'user'")
          .bind("s", victimId).bind("c", UUID.fromString(conversation))
          .mapToMap().first());
      UUID sealedId = UUID.fromString(String.valueOf(sealedRow.get("id")));
      byte[] sealed = (byte[]) sealedRow.get("content_sealed");
      assertThat(new String(server.confide.subjectKeys.sealer(victimId).open(FieldRef.of("messages", "content", sealedId), sealed),
          StandardCharsets.UTF_8)).contains(codeWord);

      ApiClient bystander = server.client();
      bystander.signUp("Bystander Bob", "bob@example.com", GatewayTest.PASSWORD, "1990-01-01");
      UUID bobId = server.confide.accounts.findByEmail("bob@example.com").orElseThrow();
      bystander.post("/api/conversations", Map.of("content", "an ordinary question", "model", "builtin-echo"));

      // The searches can see a canary where one belongs: the subject's own export, the mail sent to them.
      assertThat(archiveText(server, victimId, export.json().get("id").asText())).contains(codeWord, email);
      Path outbox = server.confide.config.dataPath().resolve(server.confide.config.mail().outboxDir());
      assertThat(findInFiles(outbox, List.of(email))).as("the mail to the subject is in the outbox").isNotEmpty();
      assertThat(tempFiles.find(null, List.of(email))).as("which the search of temporary files reaches").isNotEmpty();

      assertThat(findInTables(server, canaries)).as("sealed at rest: no table holds a canary in plaintext").isEmpty();
      assertThat(findInDatabaseFiles(server, backend, canaries)).as("nor do the database files (H2) or a pg_dump").isEmpty();
      assertThat(logs.find(canaries)).as("nor does the log output").isEmpty();
      assertThat(tempFiles.find(outbox, canaries)).as("nor any temporary file (but the outbox)").isEmpty();
      List<String> decisions = server.confide.decisionData.all().stream().map(r -> r.conversationJson()).toList();
      assertThat(decisions).as("the decision was kept as decision data").hasSize(1);
      assertThat(decisions.get(0)).as("its conversation is there, redacted").contains("Hello, my name is", "<PERSON>", "<EMAIL_ADDRESS>");
      assertThat(canaries).as("decision data holds no name or email").noneMatch(c -> decisions.get(0).contains(c));

      assertThat(victim.delete("/api/me").status()).isEqualTo(200);
      server.clock.advance(Duration.ofDays(server.confide.config.keys().deletionWindowDays() + 1));
      server.confide.retention.run();
      server.confide.mailDispatcher.runOnce();

      assertThat(findInTables(server, canaries)).as("no table after erasure").isEmpty();
      assertThat(findInDatabaseFiles(server, backend, canaries)).as("no database file (H2) or pg_dump after erasure").isEmpty();
      assertThat(findInFiles(server.confide.config.dataPath(), canaries)).as("no file of the data directory (outbox, ledger)").isEmpty();
      assertThat(tempFiles.find(null, canaries)).as("no temporary file").isEmpty();
      assertThat(logs.find(canaries)).as("no log output").isEmpty();
      assertThat(server.confide.decisionData.all()).as("decision data holds no canary").allSatisfy(r ->
          assertThat(canaries).noneMatch(c -> r.conversationJson().contains(c)));
      StringWriter training = new StringWriter();
      server.confide.trainingExport.export(training, Epsilon.of("0.1"));
      assertThat(canaries).noneMatch(c -> training.toString().contains(c));
      ApiClient bob = server.client();
      bob.logIn("bob@example.com", GatewayTest.PASSWORD);
      String bobsRequest = bob.post("/api/privacy/requests", Map.of("type", "access")).json().get("id").asText();
      String bobsExport = archiveText(server, bobId, bobsRequest) + bob.get("/api/conversations").text();
      assertThat(bobsExport).contains("an ordinary question");
      assertThat(canaries).noneMatch(bobsExport::contains);

      // No cache keeps the subject alive: the key cache, sessions, API keys, the email's blind index.
      assertThat(server.confide.subjectKeys.exists(victimId)).isFalse();
      assertThatThrownBy(() -> server.confide.subjectKeys.sealer(victimId).open(FieldRef.of("messages", "content", sealedId), sealed))
          .as("the cached key went with the erasure").isInstanceOf(RuntimeException.class);
      assertThat(victim.get("/api/me").status()).as("the session cookie").isEqualTo(401);
      assertThat(server.client().withBearer(key).get("/api/conversations").status()).as("the API key").isEqualTo(401);
      assertThat(server.client().logIn(email, GatewayTest.PASSWORD).status()).as("the log-in").isEqualTo(401);
      assertThat(server.confide.accounts.findByEmail(email)).isEmpty();
    }
  }

  /** The text of every entry of a subject's access/export archive (the zip the download serves). */
  private static String archiveText(TestServer server, UUID subject, String requestId) throws IOException {
    StringBuilder text = new StringBuilder();
    try (ZipInputStream zip = new ZipInputStream(server.confide.privacyRequests.download(subject, UUID.fromString(requestId)))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        text.append(entry.getName()).append('\n').append(new String(zip.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      }
    }
    assertThat(text).as("the archive has entries").isNotEmpty();
    return text.toString();
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

  /** H2: the database files as written; PostgreSQL: a full {@code pg_dump} of the test's schema (data, not only rows SELECT sees). */
  private static List<String> findInDatabaseFiles(TestServer server, TestBackend backend, List<String> canaries) throws Exception {
    if (backend == TestBackend.H2) {
      String url = server.location().settings().url();
      return findInFiles(Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';'))).getParent(), canaries);
    }
    String dump = pgDump(server.location());
    assertThat(dump).as("the dump holds the schema's data").contains("COPY " + server.location().schema() + ".messages");
    return canaries.stream().filter(dump::contains).map(c -> "pg_dump holds " + c).toList();
  }

  private static String pgDump(TestBackend.Location location) throws Exception {
    URI uri = URI.create(location.settings().url().substring("jdbc:".length()));
    Process dump = new ProcessBuilder("pg_dump", "-h", uri.getHost(), "-p", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()),
        "-U", location.settings().user(), "-n", location.schema(), "--no-password", uri.getPath().substring(1))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = dump.getInputStream().readAllBytes();
    assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dump.exitValue()).as("pg_dump exit status").isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  private static List<String> findInFiles(Path dir, List<String> canaries) throws IOException {
    List<String> found = new ArrayList<>();
    if (!Files.exists(dir)) {
      return found;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        found.addAll(findInFile(file, canaries));
      }
    }
    return found;
  }

  private static List<String> findInFile(Path file, List<String> canaries) throws IOException {
    byte[] content = Files.readAllBytes(file);
    String bytes = new String(content, StandardCharsets.ISO_8859_1);
    String utf16 = new String(content, StandardCharsets.UTF_16LE);
    return canaries.stream().filter(c -> bytes.contains(c) || utf16.contains(c)).map(c -> file + " holds " + c).toList();
  }

  /**
   * Temporary files: the test's own directory (data directory, H2 files, outbox) and whatever
   * appears in the JVM's temporary directory while the test runs — both the one {@code
   * java.io.tmpdir} names and the one {@link Files#createTempFile} really uses (the JDK reads the
   * property once at start-up, before Surefire sets it). Entries that were there before the test
   * are other processes' and are left alone; so are files too large to be anything of this test's.
   */
  private static final class TempFiles {
    private final Path testDir;
    private final List<Path> roots;
    private final java.util.Set<Path> before = new java.util.HashSet<>();

    private TempFiles(Path testDir) throws IOException {
      this.testDir = testDir;
      Path probe = Files.createTempFile("canary-probe", ".tmp");
      Files.delete(probe);
      this.roots = Stream.of(Path.of(System.getProperty("java.io.tmpdir")), probe.getParent())
          .map(Path::toAbsolutePath).distinct().filter(Files::isDirectory).toList();
      for (Path root : roots) {
        try (Stream<Path> entries = Files.list(root)) {
          entries.forEach(before::add);
        }
      }
    }

    static TempFiles snapshot(Path testDir) throws IOException {
      return new TempFiles(testDir);
    }

    /** Where a canary is, leaving out {@code except} (a directory, or null). */
    List<String> find(Path except, List<String> canaries) throws IOException {
      List<String> found = new ArrayList<>();
      List<Path> places = new ArrayList<>(List.of(testDir));
      for (Path root : roots) {
        try (Stream<Path> entries = Files.list(root)) {
          entries.filter(e -> !before.contains(e) && !e.startsWith(testDir)).forEach(places::add);
        }
      }
      for (Path place : places) {
        Files.walkFileTree(place, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(except) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && attrs.size() < 64L << 20) {
              try {
                found.addAll(findInFile(file, canaries));
              } catch (IOException e) {
                // removed while the walk ran: nothing left to hold a canary
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
      }
      return found;
    }
  }

  /**
   * The log output of the whole test, rendered with message, MDC and full stack traces (a superset
   * of what the JSON encoder writes), with Confide's own loggers opened down to TRACE so that no
   * level hides a leak.
   */
  private static final class CapturedLogs implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger confide = context.getLogger("dev.confide");
    private final Level confideLevel = confide.getLevel();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

    private CapturedLogs() {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("%level %logger %msg %mdc %ex{full}%n");
      encoder.start();
      appender.setContext(context);
      appender.setEncoder(encoder);
      appender.setOutputStream(out);
      appender.start();
      root.addAppender(appender);
      confide.setLevel(Level.TRACE);
    }

    static CapturedLogs start() {
      return new CapturedLogs();
    }

    List<String> find(List<String> canaries) {
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(text).as("the server logged something").contains("dev.confide");
      return canaries.stream().filter(text::contains).map(c -> "the log holds " + c).toList();
    }

    @Override
    public void close() {
      root.detachAppender(appender);
      appender.stop();
      confide.setLevel(confideLevel);
    }
  }
}
