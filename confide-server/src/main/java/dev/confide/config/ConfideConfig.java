package dev.confide.config;

import java.util.List;

/** The whole configuration, as bound from YAML. Defaults live in {@code confide-defaults.yaml}. */
public record ConfideConfig(
    String dataDir,
    Server server,
    Database database,
    Keys keys,
    Sessions sessions,
    Passwords passwords,
    LoginLimits loginLimits,
    AgeGate ageGate,
    List<Provider> providers,
    BuiltinModels builtinModels,
    RateLimits rateLimits,
    Redis redis,
    Comparisons comparisons,
    Gateway gateway,
    Pii pii,
    Training training,
    Retention retention,
    Staff staff,
    Mail mail,
    String policy,
    String defaultDataRegion,
    Analytics analytics,
    AccessArchive accessArchive) {

  /**
   * Outgoing mail. With no SMTP host, mail is written as .eml files under {@code outboxDir}
   * (relative paths are under dataDir). The SMTP password is read from {@code smtp.passwordEnv}.
   */
  public record Mail(String from, String outboxDir, String serviceName, String publicUrl, Smtp smtp) {}

  /**
   * An SMTP relay. {@code processor} is the policy processor (kind email) the relay is; unset: the
   * policy's only email processor. Mail to files under {@code outboxDir} leaves nothing to a processor.
   */
  public record Smtp(String host, int port, String security, String username, String passwordEnv, String processor) {}

  /** Staff sessions last this many hours; break-glass grants need a privacy officer's approval when set. */
  public record Staff(int sessionHours, boolean grantApproval) {}

  /** Sweeps delete in batches and run this often; how long things are kept comes from the policy file. */
  /**
   * Sweep pacing. {@code batchSize} null: {@link #DEFAULT_BATCH} on either database — batches of 500
   * conversations kept concurrent writes' p99 under twice the idle p99 in only some rounds on
   * PostgreSQL, batches of 100 in every round on both (docs/benchmarks.md). After each batch a sweep pauses
   * {@code pauseRatio} times as long as the batch took, longer if needed to stay under
   * {@code maxRowsPerSecond} (0: no cap).
   */
  public record Retention(Integer batchSize, int runEveryMinutes, double pauseRatio, int maxRowsPerSecond) {
    public static final int DEFAULT_BATCH = 100;

    /** The batch size in force: the one set, else the default. */
    public int effectiveBatchSize() {
      return batchSize != null ? batchSize : DEFAULT_BATCH;
    }
  }

  /**
   * The training export: the total ε its published counts may ever spend, ε per count, and the
   * policy processor receiving it (unset: the policy's only model provider).
   */
  public record Training(String summaryEpsilonBudget, String epsilonPerCount, String processor) {}

  /**
   * Differentially private thumbs statistics per model (P06, P13): the total ε all releases may
   * ever spend, the ε of one release, and how many ratings of one subject count at most.
   */
  public record Analytics(String thumbsEpsilonBudget, String thumbsEpsilonPerRelease, int thumbsMaxPerSubject) {}

  /**
   * The access/export archive (P27): the zip's deflate level, 0 (stored, fastest, largest) to 9.
   * The archive is sealed and kept for a week, then downloaded once or twice.
   */
  public record AccessArchive(int deflateLevel) {}

  /** The PII shield: detection that takes longer than this refuses the request (fail closed). */
  public record Pii(int shieldTimeoutMs) {}

  /**
   * An OpenAI-compatible upstream. The API key is read from the environment variable {@code
   * apiKeyEnv}. {@code processor} is the policy processor (kind model_provider) it is; unset: the
   * policy's only model provider.
   */
  public record Provider(String name, String type, String baseUrl, String apiKeyEnv, List<String> models, String country,
      boolean baa, String shield, int connectTimeoutMs, int readTimeoutMs, String processor) {}

  public record BuiltinModels(boolean enabled, int delayMsPerWord) {}

  public record RateLimits(Limit perSubject, Limit perApiKey) {}

  public record Limit(long requestsPerMinute, long tokensPerMinute) {}

  /** Unset url: rate-limit buckets live in memory (one instance); set: in Redis, shared. */
  public record Redis(String url) {}

  public record Comparisons(boolean blind) {}

  public record Gateway(int maxPromptChars, int compareThreads) {}

  /**
   * {@code trustedProxies}: addresses or CIDR ranges whose {@code X-Forwarded-For} names the client.
   * {@code metricsToken}: the bearer token {@code /metrics} requires; unset, it answers this host only.
   */
  public record Server(String host, int port, long maxBodyBytes, boolean secureCookies, List<String> trustedProxies,
      String metricsToken, Tls tls) {}

  public record Tls(boolean enabled, String keystore, String keystorePasswordEnv, List<String> namedGroups,
      long hstsMaxAgeSeconds) {}

  /** {@code connectionTimeoutMs}: how long a request waits for a connection before it is answered 503. */
  public record Database(String url, String user, String passwordEnv, String schema, int maxPoolSize, int connectionTimeoutMs) {}

  public record Keys(String rootKeyUri, int deletionWindowDays, int subjectKeyCacheSeconds, int rotationBatchSize,
      int rotationCheckMinutes) {}

  public record Sessions(int maxAgeDays) {}

  public record Passwords(int memoryKib, int iterations, int parallelism) {}

  public record LoginLimits(int perAccountPerMinute, int perIpPerMinute) {}

  public record AgeGate(int minimumAge) {}

  /** The same configuration listening on another port. */
  public ConfideConfig withPort(int port) {
    return new ConfideConfig(dataDir, new Server(server.host(), port, server.maxBodyBytes(), server.secureCookies(), server.trustedProxies(),
        server.metricsToken(), server.tls()),
        database, keys, sessions, passwords, loginLimits, ageGate, providers, builtinModels, rateLimits, redis, comparisons, gateway, pii, training, retention, staff, mail, policy, defaultDataRegion, analytics, accessArchive);
  }

  public java.nio.file.Path dataPath() {
    return java.nio.file.Path.of(dataDir).toAbsolutePath().normalize();
  }
}
