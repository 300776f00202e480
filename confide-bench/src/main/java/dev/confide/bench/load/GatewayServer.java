package dev.confide.bench.load;

import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.http.ConfideHttp;
import dev.confide.identity.NewAccount;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Confide side of {@link GatewayOverhead}, in a process of its own so that the load driver and
 * the fake upstream do not compete with it inside one JVM (the driver pins each process to its own
 * CPUs with {@code taskset}). It starts Confide with persistence on, signs up one account, creates an
 * API key, prints {@code READY <port> <secret>} and serves until its standard input closes, so it
 * never outlives the driver.
 *
 * <pre>java -cp confide-bench.jar dev.confide.bench.load.GatewayServer h2|postgresql upstreamBaseUrl dataDir [pgSchema]</pre>
 */
public final class GatewayServer {
  private GatewayServer() {}

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    String upstreamUrl = args[1];
    Path dir = Path.of(args[2]);
    Map<String, String> env = new HashMap<>();
    env.put("CONFIDE_DATA_DIR", dir.resolve("data").toString());
    if (backend.equals("postgresql")) {
      String schema = args[3];
      env.put("CONFIDE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
      env.put("CONFIDE_DB_USER", "postgres");
      env.put("CONFIDE_DB_SCHEMA", schema);
    }
    Path config = dir.resolve("bench.yaml");
    // The pool stays at the shipped default (10): connections are held only for the short
    // transactions before and after the provider call, never while a stream is open.
    Files.writeString(config, "server: {port: 0}\npasswords: {memoryKib: 8192, iterations: 1}\n"
        + "rateLimits:\n  perSubject: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n"
        + "  perApiKey: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n"
        + "providers:\n  - {name: fake, baseUrl: \"" + upstreamUrl + "\", models: [fake-model], readTimeoutMs: 30000}\n");
    ConfideConfig cfg = new ConfigLoader().load(config, env);
    try (Confide confide = Confide.open(cfg, Clock.systemUTC()); ConfideHttp http = ConfideHttp.start(confide, false)) {
      UUID subject = confide.accounts.signUp(new NewAccount("Bench", "load-driver@example.com",
          "a long passphrase 42".toCharArray(), LocalDate.of(1990, 1, 1)));
      String secret = confide.apiKeys.create(subject, "bench").secret();
      System.out.println("READY " + http.port() + " " + secret);
      System.out.flush();
      try (InputStream in = System.in) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
  }
}
