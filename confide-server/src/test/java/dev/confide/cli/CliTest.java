package dev.confide.cli;

import static dev.confide.cli.CliRun.ok;
import static dev.confide.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.http.ConfideHttp;
import dev.confide.identity.NewAccount;
import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.testing.TestBackend;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The {@code confide} command line, run in-process the way {@code main} runs it, and once as a real
 * child process: {@code confide serve --tls} in another JVM while this JVM's CLI works on the same
 * H2 files (H2's automatic mixed mode).
 */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STRONG = "correct horse battery 42";

  @TempDir
  Path tmp;

  private final InputStream originalIn = System.in;

  @AfterEach
  void restoreStdin() {
    System.setIn(originalIn);
  }

  // ---- help ------------------------------------------------------------------------------------

  @Test
  void helpWorksOnEveryCommandAndSubcommand() {
    List<List<String>> paths = new ArrayList<>();
    collect(ConfideCommand.commandLine(), new ArrayList<>(), paths);

    // a walk that found nothing would prove nothing
    assertThat(paths).extracting(p -> String.join(" ", p))
        .contains("", "serve", "keys", "keys status", "keys rotate", "staff", "staff create-admin", "help");

    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        CliRun run = run(args.toArray(String[]::new));
        String usage = ("Usage: confide " + String.join(" ", path)).strip();
        assertThat(run.exit()).as("%s: %s", args, run).isZero();
        assertThat(run.out()).as("%s", args).containsPattern("(?m)^" + Pattern.quote(usage) + "( |$)").contains("-h, --help");
        assertThat(run.err()).as("%s", args).isEmpty();
      }
    }
  }

  @Test
  void aCommandGroupWithoutASubcommandPrintsItsUsage() {
    for (String group : List.of("keys", "staff")) {
      CliRun run = run(group);
      assertThat(run.exit()).as(group).isZero();
      assertThat(run.out()).startsWith("Usage: confide " + group).contains("Commands:");
    }
    CliRun top = run();
    assertThat(top.exit()).isZero();
    assertThat(top.out()).startsWith("Usage: confide").contains("serve").contains("keys").contains("staff");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliRun run = run("keys", "rotat");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("rotat");
  }

  @Test
  void versionIsPrinted() {
    CliRun run = run("--version");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("confide ");
  }

  // ---- keys ------------------------------------------------------------------------------------

  @Test
  void keysStatusOnAFreshDataDirectory() throws IOException {
    Path config = config(tmp.resolve("data"), "");

    CliRun run = run("keys", "status", "--config", config.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).contains("key-encryption keyring").contains("cookie keyring").contains("blind-index keyring")
        .contains("subject keys: 0");
    Map<Long, KekRow> kek = kekRows(run.out());
    assertThat(kek).hasSize(1);
    KekRow only = kek.values().iterator().next();
    assertThat(only.state()).isEqualTo("primary");
    assertThat(only.subjectKeys()).isZero();
    assertThat(only.age()).matches("0h [0-9]m");
    assertThat(tmp.resolve("data").resolve("root.key")).exists();
  }

  @Test
  void theConfigOptionWorksBeforeOrAfterTheSubcommand() throws IOException {
    Path dataDir = tmp.resolve("data");
    Path config = config(dataDir, "");
    try (Confide confide = open(config)) {
      signUp(confide, "before-after@example.com");
    }

    // the data directory named in the file is used either way: one subject key, not a fresh store
    assertThat(run("--config", config.toString(), "keys", "status").out()).contains("subject keys: 1");
    assertThat(run("keys", "--config", config.toString(), "status").out()).contains("subject keys: 1");
    assertThat(run("keys", "status", "--config", config.toString()).out()).contains("subject keys: 1");
  }

  @Test
  void keysRotateMakesANewPrimaryAndRewrapsEverySubjectKey() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    try (Confide confide = open(config)) {
      signUp(confide, "first@example.com");
      signUp(confide, "second@example.com");
    }
    Map<Long, KekRow> before = kekRows(ok(run("keys", "status", "--config", config.toString())).out());
    assertThat(before).hasSize(1);
    long oldPrimary = before.keySet().iterator().next();
    assertThat(before.get(oldPrimary).subjectKeys()).isEqualTo(2);

    CliRun rotate = ok(run("keys", "rotate", "--config", config.toString()));

    Matcher m = Pattern.compile("new primary key (-?\\d+); re-wrapped (\\d+) subject keys; destroyed (\\d+) old versions")
        .matcher(rotate.out());
    assertThat(m.find()).as(rotate.out()).isTrue();
    long newPrimary = Long.parseLong(m.group(1));
    assertThat(newPrimary).isNotEqualTo(oldPrimary);
    assertThat(m.group(2)).isEqualTo("2");
    assertThat(m.group(3)).as("the old version is inside the deletion window").isEqualTo("0");

    CliRun status = ok(run("keys", "status", "--config", config.toString()));
    Map<Long, KekRow> after = kekRows(status.out());
    assertThat(after).containsOnlyKeys(oldPrimary, newPrimary);
    assertThat(after.get(newPrimary)).isEqualTo(new KekRow("primary", after.get(newPrimary).age(), 2));
    assertThat(after.get(oldPrimary)).isEqualTo(new KekRow("active", after.get(oldPrimary).age(), 0));
    assertThat(status.out()).contains("subject keys: 2");

    // and the accounts still open under the new primary
    try (Confide confide = open(config)) {
      assertThat(confide.accounts.authenticate("first@example.com", STRONG.toCharArray())).isPresent();
      assertThat(confide.subjectKeys.countByKeyEncryptionKey()).containsExactly(Map.entry(newPrimary, 2L));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void keysCommandsWorkWhileAServerRunsOnTheSameStore(TestBackend backend) throws Exception {
    try (TestBackend.Location location = backend.newLocation(tmp)) {
      String database = location.schema() == null ? "" : """
          database:
            url: "%s"
            user: %s
            schema: %s
          """.formatted(location.settings().url(), location.settings().user(), location.schema());
      // no subject-key cache: the server must unwrap keys the CLI re-wrapped under a primary it has not seen
      Path config = config(tmp.resolve("data"), database + "keys:\n  subjectKeyCacheSeconds: 0\n");
      try (Confide confide = open(config); ConfideHttp http = ConfideHttp.start(confide, false)) {
        Http client = new Http("http://127.0.0.1:" + http.port(), null);
        assertThat(client.signUp("Early Person", "early@example.com").statusCode()).isEqualTo(201);

        CliRun status = ok(run("keys", "status", "--config", config.toString()));
        assertThat(status.out()).contains("subject keys: 1");
        CliRun rotate = ok(run("keys", "rotate", "--config", config.toString()));
        assertThat(rotate.out()).contains("re-wrapped 1 subject keys");
        Map<Long, KekRow> after = kekRows(ok(run("keys", "status", "--config", config.toString())).out());
        assertThat(after).hasSize(2);
        assertThat(after.values()).filteredOn(r -> r.state().equals("primary")).singleElement()
            .extracting(KekRow::subjectKeys).isEqualTo(1L);

        // the server is unharmed and sees the CLI's rotation
        assertThat(client.get("/readyz").statusCode()).isEqualTo(200);
        Http early = new Http("http://127.0.0.1:" + http.port(), null);
        assertThat(early.logIn("early@example.com").statusCode()).isEqualTo(200);
        HttpResponse<String> me = early.get("/api/me");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).contains("Early Person");
        assertThat(new Http("http://127.0.0.1:" + http.port(), null).signUp("Late Person", "late@example.com").statusCode())
            .isEqualTo(201);
        assertThat(confide.subjectKeys.countByKeyEncryptionKey()).hasSize(1);
      }
    }
  }

  // ---- staff -----------------------------------------------------------------------------------

  @Test
  void staffCreateAdminReadsThePasswordFromStdin() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    stdin(STRONG + "\n");

    CliRun run = ok(run("staff", "create-admin", "--name", "Ada Admin", "--email", "ada@example.com", "--password-stdin",
        "--config", config.toString()));

    Matcher m = Pattern.compile("created admin ([0-9a-f-]{36})").matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    UUID id = UUID.fromString(m.group(1));
    try (Confide confide = open(config)) {
      List<StaffDirectory.Member> staff = confide.staff.list();
      assertThat(staff).singleElement().satisfies(member -> {
        assertThat(member.id()).isEqualTo(id);
        assertThat(member.roles()).containsExactly(StaffRole.ADMIN);
      });
      assertThat(confide.subjectKeys.exists(id)).as("the admin's details are sealed under a key of their own").isTrue();
    }
    assertThat(run.out() + run.err()).doesNotContain(STRONG);

    stdin(STRONG + "\n");
    CliRun again = run("staff", "create-admin", "--name", "Ada Again", "--email", "ADA@example.com", "--password-stdin",
        "--config", config.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("email_taken");
  }

  @org.junit.jupiter.api.Tag("P21")
  @Test
  void operatorsChangeRolesResetTheSecondFactorAndDisableStaffWithAnAuditTrail() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    UUID member;
    String oldSecret;
    byte[] session;
    UUID grant;
    try (Confide confide = open(config)) {
      UUID subject = signUp(confide, "customer@example.com");
      StaffDirectory.Enrolled enrolled = confide.staff.create("Sam Support", "sam@example.com", STRONG.toCharArray(),
          java.util.EnumSet.of(StaffRole.SUPPORT));
      member = enrolled.id();
      oldSecret = enrolled.totpSecret();
      session = confide.staffSessions.open(member).sessionId();
      grant = confide.grants.request(member, java.util.EnumSet.of(StaffRole.SUPPORT), subject, "debugging a reply", "SUP-1", 30).id();
    }

    assertThat(run("staff", "roles", "--email", "nobody@example.com", "--role", "security", "--config", config.toString()).err())
        .contains("not_found");
    ok(run("staff", "roles", "--email", "SAM@example.com", "--role", "security,support", "--config", config.toString()));
    CliRun reset = ok(run("staff", "reset-totp", "--email", "sam@example.com", "--config", config.toString()));
    Matcher secret = Pattern.compile("not shown again\\): ([A-Z2-7]+)").matcher(reset.out());
    assertThat(secret.find()).as(reset.out()).isTrue();
    try (Confide confide = open(config)) {
      assertThat(confide.staff.member(member).orElseThrow().roles()).containsExactlyInAnyOrder(StaffRole.SECURITY, StaffRole.SUPPORT);
      assertThat(confide.staffSessions.resolve(session)).as("a reset second factor ends the sessions").isEmpty();
      java.time.Instant now = java.time.Instant.now();
      assertThat(confide.staff.signIn("sam@example.com", STRONG.toCharArray(), dev.confide.identity.Totp.codeAt(oldSecret, now)))
          .as("the old authenticator no longer works").isEmpty();
      assertThat(confide.staff.signIn("sam@example.com", STRONG.toCharArray(), dev.confide.identity.Totp.codeAt(secret.group(1), now)))
          .isPresent();
      session = confide.staffSessions.open(member).sessionId();
    }

    CliRun disabled = ok(run("staff", "disable", "--email", "sam@example.com", "--config", config.toString()));
    assertThat(disabled.out()).contains("disabled " + member).contains("sessions ended: 1, grants revoked: 1");
    assertThat(ok(run("staff", "disable", "--email", "sam@example.com", "--config", config.toString())).out()).startsWith("already disabled");
    assertThat(run("staff", "roles", "--email", "sam@example.com", "--role", "admin", "--config", config.toString()).err())
        .as("a disabled member stays disabled").contains("not_found");
    try (Confide confide = open(config)) {
      assertThat(confide.staff.member(member)).isEmpty();
      assertThat(confide.staff.list()).isEmpty();
      assertThat(confide.staffSessions.resolve(session)).isEmpty();
      assertThat(confide.grants.get(grant).orElseThrow().status()).isEqualTo(dev.confide.audit.Grant.Status.REVOKED);
      List<String> actions = confide.auditLog.list(dev.confide.audit.AuditFilter.newest(50)).entries().stream()
          .map(dev.confide.audit.AuditEntry::action).toList();
      assertThat(actions).containsSubsequence(dev.confide.audit.AuditActions.STAFF_TOTP_RESET, dev.confide.audit.AuditActions.STAFF_ROLES_CHANGED)
          .contains(dev.confide.audit.AuditActions.STAFF_DISABLED, dev.confide.audit.AuditActions.GRANT_REVOKED)
          .containsOnlyOnce(dev.confide.audit.AuditActions.STAFF_DISABLED);
    }
  }

  @Test
  void aWeakAdminPasswordIsRefused() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    stdin("short\n");

    CliRun run = run("staff", "create-admin", "--name", "Weak Admin", "--email", "weak@example.com", "--password-stdin",
        "--config", config.toString());

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).startsWith("error: ").contains("(weak_password)").doesNotContain("Exception");
    assertThat(run.out()).doesNotContain("created admin");
    try (Confide confide = open(config)) {
      assertThat(confide.staff.list()).isEmpty();
    }
  }

  @Test
  void noPasswordOnStdinIsRefused() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    stdin("");

    CliRun run = run("staff", "create-admin", "--name", "No Password", "--email", "none@example.com", "--password-stdin",
        "--config", config.toString());

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("missing_password");
  }

  @Test
  void createAdminRequiresNameAndEmail() throws IOException {
    Path config = config(tmp.resolve("data"), "");

    CliRun run = run("staff", "create-admin", "--name", "No Email", "--config", config.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--email");
  }

  // ---- operator commands -----------------------------------------------------------------------

  @Test
  void operatorCommandsRunAgainstTheConfiguredStore() throws IOException {
    Path config = config(tmp.resolve("data"), "");
    UUID erased;
    try (Confide confide = open(config)) {
      signUp(confide, "kept@example.com");
      erased = signUp(confide, "erased@example.com");
      confide.erasure.erase(erased, "test");
    }

    CliRun sweep = ok(run("retention", "run", "--config", config.toString()));
    assertThat(sweep.out()).contains("conversations expired: 0").contains("erased subjects purged: 1");
    CliRun badInstant = run("retention", "run", "--as-of", "yesterday", "--config", config.toString());
    assertThat(badInstant.exit()).isEqualTo(1);
    assertThat(badInstant.err()).contains("invalid_instant").doesNotContain("Exception");

    CliRun reapply = ok(run("erasure", "reapply", "--config", config.toString()));
    assertThat(reapply.out()).as("nothing was restored: the one subject in the ledger is still erased")
        .contains("subjects erased again: 0").contains("chats deleted again: 0").contains("API keys revoked again: 0");

    Path backup = tmp.resolve("backup.zip");
    assertThat(ok(run("backup", "--out", backup.toString(), "--config", config.toString())).out())
        .contains("backup written to " + backup);
    assertThat(backup).isNotEmptyFile();

    JsonNode head = new ObjectMapper().readTree(ok(run("audit", "head", "--config", config.toString())).out());
    assertThat(head.get("seq").asLong()).isPositive();
    JsonNode verified = new ObjectMapper().readTree(ok(run("audit", "verify", "--config", config.toString())).out());
    assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();

    try (Confide confide = open(config)) {
      assertThat(confide.erasure.isErased(erased)).isTrue();
    }
  }

  // ---- configuration errors --------------------------------------------------------------------

  @Test
  void anInvalidConfigurationStopsEveryCommandNamingTheKey() throws IOException {
    Path config = tmp.resolve("bad.yaml");
    Files.writeString(config, "dataDir: " + tmp.resolve("data") + "\nserver:\n  port: \"abc\"\n");

    for (String[] command : List.of(
        new String[] {"keys", "status"},
        new String[] {"keys", "rotate"},
        new String[] {"serve"},
        new String[] {"serve", "--tls"},
        new String[] {"staff", "create-admin", "--name", "A", "--email", "a@example.com", "--password-stdin"})) {
      stdin(STRONG + "\n");
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--config", config.toString()));

      CliRun run = run(args.toArray(String[]::new));

      assertThat(run.exit()).as("%s: %s", args, run).isEqualTo(2);
      assertThat(run.err()).as("%s", args).contains("invalid configuration").contains("server.port")
          .contains("'abc'").doesNotContain("Exception");
      assertThat(run.out()).as("%s", args).isEmpty();
    }
    assertThat(tmp.resolve("data")).as("nothing was created from a bad configuration").doesNotExist();
  }

  @Test
  void aMissingConfigurationFileIsReported() {
    Path missing = tmp.resolve("missing.yaml");

    CliRun run = run("keys", "status", "--config", missing.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(missing.toString()).contains("not found");
  }

  // ---- confide serve --tls, in another process -------------------------------------------------

  @Test
  void serveTlsInAnotherProcessWhileThisProcessUsesTheCli() throws Exception {
    Path dataDir = tmp.resolve("data");
    Path config = config(dataDir, "");
    Process server = new ProcessBuilder(javaCommand("serve", "--tls", "--port", "0", "--config", config.toString()))
        .redirectErrorStream(true).start();
    StringBuilder log = new StringBuilder();
    try {
      int port = awaitListening(server, log);
      SSLContext tls = trusting(dataDir);
      Http https = new Http("https://127.0.0.1:" + port, tls);

      HttpResponse<String> ready = https.get("/readyz");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
      assertThat(ready.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
      assertThat(https.signUp("Remote Person", "remote@example.com").statusCode()).isEqualTo(201);

      // this JVM opens the same H2 files the server process holds
      assertThat(ok(run("keys", "status", "--config", config.toString())).out()).contains("subject keys: 1");
      assertThat(ok(run("keys", "rotate", "--config", config.toString())).out()).contains("re-wrapped 1 subject keys");
      stdin(STRONG + "\n");
      ok(run("staff", "create-admin", "--name", "Remote Admin", "--email", "admin@example.com", "--password-stdin",
          "--config", config.toString()));
      assertThat(kekRows(ok(run("keys", "status", "--config", config.toString())).out()).values())
          .filteredOn(r -> r.state().equals("primary")).singleElement().extracting(KekRow::subjectKeys).isEqualTo(2L);

      assertThat(server.isAlive()).as("%s", log).isTrue();
      assertThat(https.get("/readyz").statusCode()).isEqualTo(200);
      Http again = new Http("https://127.0.0.1:" + port, tls);
      assertThat(again.logIn("remote@example.com").statusCode()).isEqualTo(200);
      assertThat(again.get("/api/me").body()).contains("Remote Person");
      assertThat(https.signUp("Another Person", "another@example.com").statusCode()).isEqualTo(201);
    } finally {
      server.destroy(); // SIGTERM: the shutdown hook closes the server
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    assertThat(log.toString()).doesNotContain(STRONG).doesNotContain("remote@example.com");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** One row of the key-encryption keyring's table in {@code keys status}. */
  private record KekRow(String state, String age, long subjectKeys) {}

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    paths.add(List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandName().equals(name)) {
        return; // an alias
      }
      List<String> next = new ArrayList<>(path);
      next.add(name);
      collect(sub, next, paths);
    });
  }

  /** The key-encryption keyring's rows, by key id, from {@code keys status}. */
  private static Map<Long, KekRow> kekRows(String status) {
    Map<Long, KekRow> rows = new LinkedHashMap<>();
    String section = status.substring(status.indexOf("key-encryption keyring"), status.indexOf("cookie keyring"));
    Pattern row = Pattern.compile("^\\s+(-?\\d+)\\s+(primary|active|destroyed)\\s+(\\S+)\\s+(\\S+ \\S+)\\s+(\\d+)\\s*$",
        Pattern.MULTILINE);
    Matcher m = row.matcher(section);
    while (m.find()) {
      rows.put(Long.parseLong(m.group(1)), new KekRow(m.group(2), m.group(4), Long.parseLong(m.group(5))));
    }
    assertThat(section).contains("subject keys"); // the header names the column
    return rows;
  }

  private Path config(Path dataDir, String extraYaml) throws IOException {
    return CliRun.config(tmp, dataDir, extraYaml);
  }

  private static Confide open(Path config) {
    ConfideConfig loaded = new ConfigLoader().load(config, Map.of());
    return Confide.open(loaded, Clock.systemUTC());
  }

  private static UUID signUp(Confide confide, String email) {
    return confide.accounts.signUp(new NewAccount("Someone", email, STRONG.toCharArray(), LocalDate.of(1990, 1, 1)));
  }

  private static void stdin(String text) {
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> javaCommand(String... args) {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "-Xmx256m", "-DCONFIDE_LOG_LEVEL=INFO", ConfideCommand.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Reads the child's output until it logs its port; keeps draining it afterwards. */
  private static int awaitListening(Process process, StringBuilder log) throws Exception {
    Pattern listening = Pattern.compile("listening on https:[\\\\/]+127\\.0\\.0\\.1:(\\d+)"); // JSON log lines escape '/'
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          Matcher m = listening.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      port.completeExceptionally(new AssertionError("server process ended without listening:\n" + log));
    }, "confide-serve-output");
    reader.setDaemon(true);
    reader.start();
    return port.get(30, TimeUnit.SECONDS);
  }

  private static SSLContext trusting(Path dataDir) throws Exception {
    Path tlsDir = dataDir.resolve("tls");
    String password = Files.readString(tlsDir.resolve("self-signed.password")).strip();
    KeyStore served = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tlsDir.resolve("self-signed.p12"))) {
      served.load(in, password.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("confide", (X509Certificate) served.getCertificate(served.aliases().nextElement()));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** A minimal cookie-keeping JSON client that echoes the CSRF token. */
  private static final class Http {
    private final String base;
    private final HttpClient client;
    private String csrf;

    Http(String base, SSLContext tls) {
      this.base = base;
      HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5));
      if (tls != null) {
        builder.sslContext(tls);
      }
      this.client = builder.build();
    }

    HttpResponse<String> signUp(String name, String email) throws Exception {
      return remember(post("/api/auth/signup", Map.of("name", name, "email", email, "password", STRONG, "birthDate", "1990-01-01")));
    }

    HttpResponse<String> logIn(String email) throws Exception {
      return remember(post("/api/auth/login", Map.of("email", email, "password", STRONG)));
    }

    HttpResponse<String> get(String path) throws Exception {
      return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> body) throws Exception {
      return client.send(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      if (csrf != null) {
        request.header("X-CSRF-Token", csrf);
      }
      return request;
    }

    private HttpResponse<String> remember(HttpResponse<String> response) throws IOException {
      if (response.statusCode() / 100 == 2) {
        JsonNode token = JSON.readTree(response.body()).get("csrfToken");
        csrf = token == null ? null : token.asText();
      }
      return response;
    }
  }
}
