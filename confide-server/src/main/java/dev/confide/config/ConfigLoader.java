package dev.confide.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the configuration in three layers: the built-in defaults, the deployment's YAML file,
 * then environment variables. The result is validated as a whole; every problem is reported with
 * the key it concerns, and start-up stops.
 */
public final class ConfigLoader {

  /** Environment variables and the keys they override. */
  public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
      Map.entry("CONFIDE_DATA_DIR", "dataDir"),
      Map.entry("CONFIDE_HOST", "server.host"),
      Map.entry("CONFIDE_PORT", "server.port"),
      Map.entry("CONFIDE_SECURE_COOKIES", "server.secureCookies"),
      Map.entry("CONFIDE_METRICS_TOKEN", "server.metricsToken"),
      Map.entry("CONFIDE_TLS", "server.tls.enabled"),
      Map.entry("CONFIDE_TLS_KEYSTORE", "server.tls.keystore"),
      Map.entry("CONFIDE_DB_URL", "database.url"),
      Map.entry("CONFIDE_DB_USER", "database.user"),
      Map.entry("CONFIDE_DB_SCHEMA", "database.schema"),
      Map.entry("CONFIDE_ROOT_KEY_URI", "keys.rootKeyUri"),
      Map.entry("CONFIDE_DELETION_WINDOW_DAYS", "keys.deletionWindowDays"),
      Map.entry("CONFIDE_REDIS_URL", "redis.url"),
      Map.entry("CONFIDE_POLICY", "policy"));

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      // "deletionWindowDays: 1.5" is a mistake, not 1
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  /** Loads {@code file} (may be null: defaults and environment only). */
  public ConfideConfig load(Path file, Map<String, String> environment) {
    ObjectNode tree = defaults();
    if (file != null) {
      merge(tree, readFile(file));
    }
    Map<String, String> fromEnvironment = applyEnvironment(tree, environment);
    fillProviderDefaults(tree);
    try {
      ConfideConfig config = bind(tree);
      List<String> problems = validate(config);
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return config;
    } catch (ConfigException e) {
      throw new ConfigException(e.problems().stream().map(p -> nameVariable(p, fromEnvironment)).toList());
    }
  }

  /** A problem with a key set by an environment variable says so, or the file would be searched in vain. */
  private static String nameVariable(String problem, Map<String, String> fromEnvironment) {
    int colon = problem.indexOf(':');
    String variable = colon < 0 ? null : fromEnvironment.get(problem.substring(0, colon));
    return variable == null ? problem : problem + " (set by environment variable " + variable + ")";
  }

  private static final ObjectMapper DEFAULT_VALUES = new ObjectMapper();

  /** List items get no defaults from the merge, so each provider's optional keys are filled here. */
  private static void fillProviderDefaults(ObjectNode tree) {
    JsonNode providers = tree.get("providers");
    if (providers == null || providers.isNull()) {
      tree.putArray("providers");
      return;
    }
    Map<String, Object> defaults = Map.of("type", "openai", "country", "unknown", "baa", false, "shield", "pseudonymize",
        "connectTimeoutMs", 5000, "readTimeoutMs", 60000);
    for (JsonNode provider : providers) {
      if (provider instanceof ObjectNode p) {
        // YAML 1.1 reads a bare "shield: off" as the boolean false.
        if (p.has("shield") && p.get("shield").isBoolean() && !p.get("shield").booleanValue()) {
          p.put("shield", "off");
        }
        for (String nullable : List.of("apiKeyEnv", "processor")) {
          if (!p.has(nullable)) {
            p.putNull(nullable);
          }
        }
        defaults.forEach((key, value) -> {
          if (!p.has(key)) {
            p.set(key, DEFAULT_VALUES.valueToTree(value));
          }
        });
      }
    }
  }

  /** Defaults plus environment, with the file named by {@code CONFIDE_CONFIG} when set. */
  public ConfideConfig loadFromEnvironment(Path explicitFile, Map<String, String> environment) {
    Path file = explicitFile;
    if (file == null && environment.get("CONFIDE_CONFIG") != null && !environment.get("CONFIDE_CONFIG").isBlank()) {
      file = Path.of(environment.get("CONFIDE_CONFIG"));
    }
    return load(file, environment);
  }

  private ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/confide-defaults.yaml")) {
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("built-in defaults missing", e);
    }
  }

  private JsonNode readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(List.of("config file " + file + ": not found"));
    }
    try (JsonParser parser = yaml.getFactory().createParser(file.toFile())) {
      JsonToken first = parser.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        return yaml.createObjectNode();
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ConfigException(List.of("config file " + file + ": the top level must be a mapping of keys"));
      }
      return readMapping(parser, file, "");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ConfigException(List.of("config file " + file + where + ": not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(List.of("config file " + file + ": cannot be read: " + e.getMessage()));
    }
  }

  /**
   * Reads the mapping the parser is at. A section given twice ({@code server:} in two places) is
   * merged; a value given twice is an error, since silently keeping one of them would hide a mistake.
   */
  private ObjectNode readMapping(JsonParser parser, Path file, String path) throws IOException {
    ObjectNode node = yaml.createObjectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String key = path.isEmpty() ? name : path + "." + name;
      int line = parser.currentTokenLocation().getLineNr();
      JsonToken token = parser.nextToken();
      JsonNode value = token == JsonToken.START_OBJECT ? readMapping(parser, file, key) : yaml.readTree(parser);
      if (value == null) {
        value = yaml.nullNode();
      }
      JsonNode existing = node.get(name);
      if (existing == null) {
        node.set(name, value);
      } else if (existing instanceof ObjectNode section && (value.isObject() || value.isNull())) {
        mergeSection(section, value, file, key, line);
      } else if (existing.isNull() && value.isObject()) {
        node.set(name, value); // "server:" with nothing under it, then the section
      } else {
        throw new ConfigException(List.of(key + ": given twice in config file " + file + " (again on line " + line + ")"));
      }
    }
    return node;
  }

  private static void mergeSection(ObjectNode target, JsonNode overlay, Path file, String path, int line) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = path + "." + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        target.set(field.getKey(), field.getValue());
      } else if (existing instanceof ObjectNode section && (field.getValue().isObject() || field.getValue().isNull())) {
        mergeSection(section, field.getValue(), file, key, line);
      } else if (existing.isNull() && field.getValue().isObject()) {
        target.set(field.getKey(), field.getValue());
      } else {
        throw new ConfigException(List.of(key + ": given twice in config file " + file
            + " (again in the section starting on line " + line + ")"));
      }
    }
  }

  private static void merge(ObjectNode target, JsonNode overlay) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
        merge(existingObject, field.getValue());
      } else if (existing instanceof ObjectNode && field.getValue().isNull()) {
        continue; // "server:" with nothing under it keeps the defaults
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  /** @return the keys set, each with the variable that set it */
  private static Map<String, String> applyEnvironment(ObjectNode tree, Map<String, String> environment) {
    Map<String, String> applied = new LinkedHashMap<>();
    ENVIRONMENT.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value == null || value.isEmpty()) {
        return;
      }
      String[] path = key.split("\\.");
      ObjectNode node = tree;
      for (int i = 0; i < path.length - 1; i++) {
        JsonNode child = node.get(path[i]);
        node = child instanceof ObjectNode o ? o : node.putObject(path[i]);
      }
      node.put(path[path.length - 1], value);
      applied.put(key, variable);
    });
    return applied;
  }

  private ConfideConfig bind(ObjectNode tree) {
    try {
      return yaml.treeToValue(tree, ConfideConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(List.of(path(e) + ": unknown key (known keys here: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")"));
    } catch (InvalidFormatException e) {
      throw new ConfigException(List.of(path(e) + ": '" + e.getValue() + "' is not a valid "
          + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT)));
    } catch (MismatchedInputException e) {
      throw new ConfigException(List.of(path(e) + ": expected "
          + (e.getTargetType() == null ? "a different type" : "a " + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT))));
    } catch (JsonMappingException e) {
      // e.g. a number too large for its key
      String where = path(e);
      throw new ConfigException(List.of((where.isEmpty() ? "configuration" : where) + ": " + e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of("configuration: " + e.getOriginalMessage()));
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static List<String> validate(ConfideConfig c) {
    List<String> problems = new ArrayList<>();
    require(problems, c.dataDir() != null && !c.dataDir().isBlank(), "dataDir: must be set");
    require(problems, c.server().port() >= 0 && c.server().port() <= 65535, "server.port: must be between 0 and 65535");
    require(problems, c.server().maxBodyBytes() >= 1024, "server.maxBodyBytes: must be at least 1024");
    require(problems, c.server().host() != null && !c.server().host().isBlank(), "server.host: must be set");
    require(problems, c.server().metricsToken() == null || c.server().metricsToken().length() >= 32,
        "server.metricsToken: must be at least 32 characters (or unset, to serve /metrics to this host only)");
    List<String> proxies = c.server().trustedProxies() == null ? List.of() : c.server().trustedProxies();
    for (int i = 0; i < proxies.size(); i++) {
      require(problems, proxies.get(i) != null && dev.confide.http.ClientAddress.isValidRange(proxies.get(i)),
          "server.trustedProxies[" + i + "]: must be an IP address or a CIDR range such as 10.0.0.0/8");
    }
    require(problems, c.server().tls().namedGroups() != null && !c.server().tls().namedGroups().isEmpty()
        && c.server().tls().namedGroups().stream().allMatch(g -> g.matches("[a-z0-9]+")),
        "server.tls.namedGroups: must list TLS named groups such as secp521r1");
    if (c.database().url() != null) {
      require(problems, c.database().url().startsWith("jdbc:postgresql:") || c.database().url().startsWith("jdbc:h2:"),
          "database.url: must be a jdbc:postgresql: or jdbc:h2: URL");
    }
    if (c.database().schema() != null) {
      require(problems, c.database().schema().matches("[a-z_][a-z0-9_]{0,62}"),
          "database.schema: must be a lower-case SQL identifier");
    }
    require(problems, c.database().maxPoolSize() >= 1 && c.database().maxPoolSize() <= 200,
        "database.maxPoolSize: must be between 1 and 200");
    require(problems, c.database().connectionTimeoutMs() >= 500 && c.database().connectionTimeoutMs() <= 60_000,
        "database.connectionTimeoutMs: must be between 500 and 60000");
    require(problems, c.keys().deletionWindowDays() >= 1 && c.keys().deletionWindowDays() <= 365,
        "keys.deletionWindowDays: must be between 1 and 365");
    require(problems, c.keys().subjectKeyCacheSeconds() >= 0 && c.keys().subjectKeyCacheSeconds() <= 3600,
        "keys.subjectKeyCacheSeconds: must be between 0 and 3600");
    require(problems, c.keys().rotationBatchSize() >= 1, "keys.rotationBatchSize: must be at least 1");
    require(problems, c.keys().rotationCheckMinutes() >= 1, "keys.rotationCheckMinutes: must be at least 1");
    if (c.keys().rootKeyUri() != null) {
      require(problems, c.keys().rootKeyUri().contains("://"), "keys.rootKeyUri: must be a key URI such as local-file:///path");
    }
    require(problems, c.sessions().maxAgeDays() >= 1 && c.sessions().maxAgeDays() <= 400,
        "sessions.maxAgeDays: must be between 1 and 400");
    require(problems, c.mail().from() != null && c.mail().from().contains("@"), "mail.from: must be an email address");
    require(problems, c.mail().smtp().security() != null
        && java.util.Set.of("none", "starttls", "ssl").contains(c.mail().smtp().security().toLowerCase(java.util.Locale.ROOT)),
        "mail.smtp.security: must be none, starttls or ssl");
    require(problems, c.staff().sessionHours() >= 1 && c.staff().sessionHours() <= 24,
        "staff.sessionHours: must be between 1 and 24");
    require(problems, c.passwords().memoryKib() >= 8192, "passwords.memoryKib: must be at least 8192");
    require(problems, c.passwords().iterations() >= 1, "passwords.iterations: must be at least 1");
    require(problems, c.passwords().parallelism() >= 1, "passwords.parallelism: must be at least 1");
    require(problems, c.loginLimits().perAccountPerMinute() >= 1, "loginLimits.perAccountPerMinute: must be at least 1");
    require(problems, c.loginLimits().perIpPerMinute() >= 1, "loginLimits.perIpPerMinute: must be at least 1");
    require(problems, c.ageGate().minimumAge() >= 13, "ageGate.minimumAge: must be at least 13");
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Set<String> models = new java.util.HashSet<>();
    for (int i = 0; i < c.providers().size(); i++) {
      ConfideConfig.Provider p = c.providers().get(i);
      String at = "providers[" + i + "]";
      require(problems, p.name() != null && p.name().matches("[A-Za-z0-9_.-]{1,64}"), at + ".name: must be 1 to 64 letters, digits, '.', '_' or '-'");
      require(problems, p.name() == null || names.add(p.name()), at + ".name: '" + p.name() + "' is used twice");
      require(problems, "openai".equals(p.type()), at + ".type: must be openai");
      require(problems, p.baseUrl() != null && (p.baseUrl().startsWith("http://") || p.baseUrl().startsWith("https://")),
          at + ".baseUrl: must be an http:// or https:// URL");
      require(problems, p.models() != null && !p.models().isEmpty(), at + ".models: must list at least one model");
      if (p.models() != null) {
        for (String m : p.models()) {
          require(problems, m != null && !m.isBlank() && models.add(m), at + ".models: '" + m + "' is empty or served twice");
        }
      }
      require(problems, p.shield() == null || java.util.Set.of("off", "redact", "pseudonymize").contains(p.shield()),
          at + ".shield: must be off, redact or pseudonymize");
      require(problems, p.connectTimeoutMs() >= 100 && p.readTimeoutMs() >= 100, at + ": timeouts must be at least 100 ms");
    }
    require(problems, c.builtinModels().delayMsPerWord() >= 0 && c.builtinModels().delayMsPerWord() <= 1000,
        "builtinModels.delayMsPerWord: must be between 0 and 1000");
    for (var limit : java.util.Map.of("rateLimits.perSubject", c.rateLimits().perSubject(), "rateLimits.perApiKey", c.rateLimits().perApiKey()).entrySet()) {
      // Bucket4j refills at most one token per nanosecond: 60 billion a minute is its ceiling.
      require(problems, limit.getValue() != null && limit.getValue().requestsPerMinute() >= 1 && limit.getValue().tokensPerMinute() >= 1
              && limit.getValue().requestsPerMinute() <= 1_000_000_000L && limit.getValue().tokensPerMinute() <= 1_000_000_000L,
          limit.getKey() + ": requestsPerMinute and tokensPerMinute must be from 1 to 1000000000");
    }
    if (c.redis().url() != null) {
      require(problems, c.redis().url().startsWith("redis://") || c.redis().url().startsWith("rediss://"), "redis.url: must be a redis:// URL");
    }
    require(problems, c.gateway().maxPromptChars() >= 1000, "gateway.maxPromptChars: must be at least 1000");
    require(problems, c.gateway().compareThreads() >= 2, "gateway.compareThreads: must be at least 2");
    require(problems, c.policy() != null && !c.policy().isBlank(), "policy: name a preset (infuzu, lumis) or a policy file");
    require(problems, isRegion(c.defaultDataRegion()), "defaultDataRegion: must be EU or an ISO 3166-1 alpha-2 country code such as US");
    for (var e : java.util.Map.of("training.summaryEpsilonBudget", String.valueOf(c.training().summaryEpsilonBudget()),
        "training.epsilonPerCount", String.valueOf(c.training().epsilonPerCount()),
        "analytics.thumbsEpsilonBudget", String.valueOf(c.analytics().thumbsEpsilonBudget()),
        "analytics.thumbsEpsilonPerRelease", String.valueOf(c.analytics().thumbsEpsilonPerRelease())).entrySet()) {
      try {
        dev.confide.analytics.Epsilon.of(e.getValue());
      } catch (RuntimeException bad) {
        problems.add(e.getKey() + ": must be a positive decimal such as \"0.1\"");
      }
    }
    require(problems, c.analytics().thumbsMaxPerSubject() >= 1 && c.analytics().thumbsMaxPerSubject() <= 1000,
        "analytics.thumbsMaxPerSubject: must be between 1 and 1000");
    require(problems, c.retention().batchSize() == null || c.retention().batchSize() >= 1,
        "retention.batchSize: must be at least 1 (or null for the database's default)");
    require(problems, c.retention().pauseRatio() >= 0 && c.retention().pauseRatio() <= 100,
        "retention.pauseRatio: must be between 0 and 100");
    require(problems, c.retention().maxRowsPerSecond() >= 0, "retention.maxRowsPerSecond: must be at least 0 (0: no cap)");
    require(problems, c.retention().runEveryMinutes() >= 1, "retention.runEveryMinutes: must be at least 1");
    require(problems, c.accessArchive().deflateLevel() >= 0 && c.accessArchive().deflateLevel() <= 9,
        "accessArchive.deflateLevel: must be between 0 and 9");
    require(problems, c.pii().shieldTimeoutMs() >= 10 && c.pii().shieldTimeoutMs() <= 60_000,
        "pii.shieldTimeoutMs: must be between 10 and 60000");
    return problems;
  }

  /** Upper case only, as stored: {@code eu} would pass the parser but read as a typo here. */
  private static boolean isRegion(String value) {
    try {
      return value != null && value.equals(dev.confide.disclosure.Regions.region(value));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void require(List<String> problems, boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }
}
