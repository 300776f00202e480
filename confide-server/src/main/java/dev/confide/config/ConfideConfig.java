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
    AgeGate ageGate) {

  public record Server(String host, int port, long maxBodyBytes, boolean secureCookies, Tls tls) {}

  public record Tls(boolean enabled, String keystore, String keystorePasswordEnv, List<String> namedGroups,
      long hstsMaxAgeSeconds) {}

  public record Database(String url, String user, String passwordEnv, String schema, int maxPoolSize) {}

  public record Keys(String rootKeyUri, int deletionWindowDays, int subjectKeyCacheSeconds, int rotationBatchSize,
      int rotationCheckMinutes) {}

  public record Sessions(int maxAgeDays) {}

  public record Passwords(int memoryKib, int iterations, int parallelism) {}

  public record LoginLimits(int perAccountPerMinute, int perIpPerMinute) {}

  public record AgeGate(int minimumAge) {}

  public java.nio.file.Path dataPath() {
    return java.nio.file.Path.of(dataDir).toAbsolutePath().normalize();
  }
}
