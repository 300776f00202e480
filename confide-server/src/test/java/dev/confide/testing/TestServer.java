package dev.confide.testing;

import dev.confide.app.Confide;
import dev.confide.chat.DecisionEvent;
import dev.confide.crypto.KeyRotation;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.http.ConfideHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Confide server on a free loopback port, over one test backend, with a movable clock and
 * cheap Argon2id settings. {@code extraYaml} is appended to the generated configuration file.
 */
public final class TestServer implements AutoCloseable {
  public final MutableClock clock;
  public final ConfideConfig config;
  public final Confide confide;
  public final ConfideHttp http;
  private final TestBackend.Location location;
  private final Path tmp;
  private final boolean tls;

  private TestServer(TestBackend.Location location, Path tmp, ConfideConfig config, MutableClock clock, boolean tls,
      Confide.Hooks hooks) {
    this.location = location;
    this.tmp = tmp;
    this.tls = tls;
    this.config = config;
    this.clock = clock;
    this.confide = Confide.open(config, clock, hooks);
    try {
      this.http = ConfideHttp.start(confide, tls);
    } catch (RuntimeException e) {
      confide.close();
      throw e;
    }
  }

  public static TestServer start(TestBackend backend, Path tmp) {
    return start(backend, tmp, "", false);
  }

  public static TestServer start(TestBackend backend, Path tmp, String extraYaml, boolean tls) {
    return start(backend, tmp, extraYaml, tls, Confide.Hooks.NONE);
  }

  public static TestServer start(TestBackend backend, Path tmp, String extraYaml, boolean tls, DecisionEvent.Listener decisions) {
    return start(backend, tmp, extraYaml, tls, new Confide.Hooks(KeyRotation.Observer.NONE, decisions, null));
  }

  public static TestServer start(TestBackend backend, Path tmp, String extraYaml, boolean tls, Confide.Hooks hooks) {
    TestBackend.Location location = backend.newLocation(tmp);
    try {
      return new TestServer(location, tmp, config(location, tmp, extraYaml),
          MutableClock.at("2026-11-02T10:00:00Z"), tls, hooks);
    } catch (RuntimeException e) {
      location.close();
      throw e;
    }
  }

  /**
   * A server on an existing location (owned by the server from now on: closed with it), as after
   * a crash: {@link #stopKeepingData} then {@code on} the same location again.
   */
  public static TestServer on(TestBackend.Location location, Path tmp, String extraYaml, MutableClock clock, Confide.Hooks hooks) {
    return new TestServer(location, tmp, config(location, tmp, extraYaml), clock, false, hooks);
  }

  /** Stops the server and its engine but leaves the database and data directory for another start. */
  public void stopKeepingData() {
    http.close();
    confide.close();
  }

  /** The configuration a test server uses, through the real loader (file plus environment). */
  public static ConfideConfig config(TestBackend.Location location, Path tmp, String extraYaml) {
    return new ConfigLoader().load(configFile(tmp, extraYaml), environment(location, tmp));
  }

  /** The configuration file a test server uses (written to {@code tmp}), for a server in a child JVM too. */
  public static Path configFile(Path tmp, String extraYaml) {
    try {
      Files.createDirectories(tmp);
      Path file = tmp.resolve("confide-test.yaml");
      Files.writeString(file, """
          server:
            port: 0
          passwords:
            memoryKib: 8192
            iterations: 1
          builtinModels:
            enabled: true
            delayMsPerWord: 0
          """ + extraYaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment a test server reads: its data directory under {@code tmp} and, on PostgreSQL, the database. */
  public static Map<String, String> environment(TestBackend.Location location, Path tmp) {
    Map<String, String> env = new HashMap<>();
    env.put("CONFIDE_DATA_DIR", tmp.resolve("data").toString());
    if (!location.settings().isH2()) {
      env.put("CONFIDE_DB_URL", location.settings().url());
      env.put("CONFIDE_DB_USER", location.settings().user());
      if (location.schema() != null) {
        env.put("CONFIDE_DB_SCHEMA", location.schema());
      }
    }
    return env;
  }

  /**
   * Stops this server and starts another on the same database, data directory and clock with a new
   * {@code extraYaml}, as an operator restarts after editing the configuration or policy file.
   * Close only the server returned.
   */
  public TestServer restart(String extraYaml) {
    http.close();
    confide.close();
    try {
      return new TestServer(location, tmp, config(location, tmp, extraYaml), clock, tls, Confide.Hooks.NONE);
    } catch (RuntimeException e) {
      location.close();
      throw e;
    }
  }

  /** Where this server's database is (owned by the server: closed with it). */
  public TestBackend.Location location() {
    return location;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + http.port();
  }

  public ApiClient client() {
    return new ApiClient(baseUrl());
  }

  /** A staff member with these roles, signed in (password changed, TOTP used): a client for /api/admin. */
  public ApiClient staffClient(String email, dev.confide.identity.StaffRole... roles) {
    var enrolled = confide.staff.createWithOneTimePassword("Staff " + email, email, java.util.EnumSet.copyOf(java.util.List.of(roles)));
    ApiClient client = client();
    ApiClient.Response login = client.staffLogIn(email, enrolled.oneTimePassword(),
        dev.confide.identity.Totp.codeAt(enrolled.totpSecret(), clock.instant()));
    if (login.status() != 200) {
      throw new IllegalStateException("staff log-in failed: " + login.text());
    }
    ApiClient.Response changed = client.post("/api/admin/password",
        java.util.Map.of("currentPassword", enrolled.oneTimePassword(), "newPassword", "staff passphrase for tests 1"));
    if (changed.status() != 204) {
      throw new IllegalStateException("password change failed: " + changed.text());
    }
    return client;
  }

  @Override
  public void close() {
    http.close();
    confide.close();
    location.close();
  }
}
