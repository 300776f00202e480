package dev.confide.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, file, environment; and every kind of bad configuration names its key. */
class ConfigLoaderTest {
  @TempDir
  Path tmp;

  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void defaultsLoadWithoutAFile() {
    ConfideConfig config = loader.load(null, Map.of());

    assertThat(config.dataDir()).isEqualTo("./data");
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().tls().enabled()).isFalse();
    assertThat(config.server().tls().keystore()).isNull();
    assertThat(config.server().tls().namedGroups()).startsWith("secp521r1");
    assertThat(config.database().url()).isNull();
    assertThat(config.keys().deletionWindowDays()).isEqualTo(30);
    assertThat(config.passwords().memoryKib()).isEqualTo(19456);
    assertThat(config.ageGate().minimumAge()).isEqualTo(13);
  }

  @Test
  void aFileOverridesOnlyTheKeysItNames() throws IOException {
    Path file = write("""
        server:
          port: 9090
        keys:
          deletionWindowDays: 7
        """);

    ConfideConfig config = loader.load(file, Map.of());

    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.keys().deletionWindowDays()).isEqualTo(7);
    // siblings of overridden keys keep their defaults
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().maxBodyBytes()).isEqualTo(1048576);
    assertThat(config.keys().rotationBatchSize()).isEqualTo(500);
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Path file = write("""
        dataDir: /from/file
        server:
          port: 9090
        database:
          url: jdbc:postgresql://db.example/file
        """);

    ConfideConfig config = loader.load(file, Map.of(
        "CONFIDE_PORT", "7070",
        "CONFIDE_DATA_DIR", "/from/env",
        "CONFIDE_DB_URL", "jdbc:postgresql://db.example/env",
        "CONFIDE_DB_SCHEMA", "tenant_a"));

    assertThat(config.server().port()).isEqualTo(7070);
    assertThat(config.dataDir()).isEqualTo("/from/env");
    assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.example/env");
    assertThat(config.database().schema()).isEqualTo("tenant_a");
  }

  @Test
  void emptyEnvironmentValuesDoNotOverride() throws IOException {
    Path file = write("server:\n  port: 9090\n");

    ConfideConfig config = loader.load(file, Map.of("CONFIDE_PORT", ""));

    assertThat(config.server().port()).isEqualTo(9090);
  }

  @Test
  void confideConfigNamesTheFileAndAnExplicitFileWins() throws IOException {
    Path fromEnv = write("server:\n  port: 9001\n");
    Path explicit = tmp.resolve("explicit.yaml");
    Files.writeString(explicit, "server:\n  port: 9002\n");

    assertThat(loader.loadFromEnvironment(null, Map.of("CONFIDE_CONFIG", fromEnv.toString())).server().port())
        .isEqualTo(9001);
    assertThat(loader.loadFromEnvironment(explicit, Map.of("CONFIDE_CONFIG", fromEnv.toString())).server().port())
        .isEqualTo(9002);
    assertThat(loader.loadFromEnvironment(null, Map.of()).server().port()).isEqualTo(8080);
  }

  @Test
  void anUnknownKeyIsReportedWithItsFullPath() throws IOException {
    Path file = write("""
        server:
          prot: 9090
        """);

    List<String> problems = problems(file, Map.of());

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("server.prot: unknown key").contains("port");
  }

  @Test
  void anUnknownNestedKeyIsReportedWithItsFullPath() throws IOException {
    Path file = write("""
        server:
          tls:
            keystor: /etc/confide.p12
        """);

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("server.tls.keystor: unknown key");
  }

  @Test
  void anUnknownTopLevelKeyIsReported() throws IOException {
    Path file = write("datadir: /srv/confide\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("datadir: unknown key").contains("dataDir");
  }

  @Test
  void aWrongTypeNamesTheKey() throws IOException {
    Path file = write("""
        server:
          port: 'abc'
        """);

    assertThat(problems(file, Map.of())).singleElement().asString()
        .startsWith("server.port:").contains("'abc'");
  }

  @Test
  void aWrongTypeFromTheEnvironmentNamesTheKeyAndTheVariable() {
    assertThat(problems(null, Map.of("CONFIDE_PORT", "eighty"))).singleElement().asString()
        .startsWith("server.port:").contains("'eighty'").contains("CONFIDE_PORT");
  }

  @Test
  void aNumberTooLargeForItsKeyNamesTheKey() throws IOException {
    Path file = write("server:\n  port: 99999999999\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("server.port:");
  }

  @Test
  void aFractionIsNotSilentlyTruncated() throws IOException {
    Path file = write("keys:\n  deletionWindowDays: 1.5\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("keys.deletionWindowDays:");
  }

  @Test
  void aMappingWhereAValueBelongsNamesTheKey() throws IOException {
    Path file = write("server:\n  port:\n    number: 1\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("server.port:");
  }

  @Test
  void aListWhereASectionBelongsNamesTheKey() throws IOException {
    Path file = write("keys: [1, 2]\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("keys:");
  }

  @Test
  void outOfRangeValuesAreAllReportedEachWithItsKey() throws IOException {
    Path file = write("""
        server:
          port: 70000
        keys:
          deletionWindowDays: 0
        passwords:
          memoryKib: 1024
        ageGate:
          minimumAge: 12
        accessArchive:
          deflateLevel: 10
        """);

    List<String> problems = problems(file, Map.of());

    assertThat(problems).containsExactlyInAnyOrder(
        "server.port: must be between 0 and 65535",
        "keys.deletionWindowDays: must be between 1 and 365",
        "passwords.memoryKib: must be at least 8192",
        "ageGate.minimumAge: must be at least 13",
        "accessArchive.deflateLevel: must be between 0 and 9");
  }

  @Test
  void anUnsupportedDatabaseUrlNamesTheKey() {
    assertThat(problems(null, Map.of("CONFIDE_DB_URL", "jdbc:mysql://db/confide"))).singleElement().asString()
        .startsWith("database.url:");
  }

  @Test
  void anExplicitNullForARequiredValueNamesTheKey() throws IOException {
    Path file = write("server:\n  port: null\n");

    assertThat(problems(file, Map.of())).singleElement().asString().startsWith("server.port:");
  }

  @Test
  void malformedYamlReportsTheLine() throws IOException {
    Path file = write("""
        server:
          port: 9090
          host: [unclosed
        keys:
          deletionWindowDays: 3
        """);

    List<String> problems = problems(file, Map.of());

    assertThat(problems).singleElement().asString()
        .contains(file.toString()).containsPattern("\\(line [3-5]\\)").contains("not valid YAML");
  }

  @Test
  void aValueGivenTwiceIsReportedRatherThanSilentlyOverwritten() throws IOException {
    Path file = write("""
        server:
          port: 9090
          port: 9091
        """);

    assertThat(problems(file, Map.of())).singleElement().asString()
        .startsWith("server.port: given twice").contains("line 3");
  }

  @Test
  void aSectionGivenTwiceIsMergedButNotItsValues() throws IOException {
    Path merged = write("""
        server:
          port: 9090
        keys:
          deletionWindowDays: 7
        server:
          host: 0.0.0.0
        """);

    ConfideConfig config = loader.load(merged, Map.of());

    // a later section adds to an earlier one; before, the second "server:" replaced the first whole
    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");

    Path conflicting = write("""
        server:
          tls:
            hstsMaxAgeSeconds: 600
        server:
          tls:
            hstsMaxAgeSeconds: 900
        """);
    assertThat(problems(conflicting, Map.of())).singleElement().asString()
        .startsWith("server.tls.hstsMaxAgeSeconds: given twice").contains("line 4");
  }

  @Test
  void aMissingFileIsReported() {
    Path missing = tmp.resolve("nope.yaml");

    assertThat(problems(missing, Map.of())).singleElement().asString().contains(missing.toString()).contains("not found");
    assertThat(problems(null, Map.of("CONFIDE_CONFIG", missing.toString()))).singleElement().asString()
        .contains("not found");
  }

  @Test
  void aTopLevelThatIsNotAMappingIsReported() throws IOException {
    Path file = write("- just\n- a list\n");

    assertThat(problems(file, Map.of())).singleElement().asString().contains("mapping");
  }

  @Test
  void aSectionWithNothingUnderItKeepsTheDefaults() throws IOException {
    Path file = write("""
        server:
        keys:
        passwords:
          iterations: 3
        """);

    ConfideConfig config = loader.load(file, Map.of());

    assertThat(config.server()).isEqualTo(loader.load(null, Map.of()).server());
    assertThat(config.keys().deletionWindowDays()).isEqualTo(30);
    assertThat(config.passwords().iterations()).isEqualTo(3);
    assertThat(config.passwords().memoryKib()).isEqualTo(19456);
  }

  @Test
  void anEmptyFileMeansTheDefaults() throws IOException {
    Path file = write("# nothing configured yet\n");

    assertThat(loader.load(file, Map.of())).isEqualTo(loader.load(null, Map.of()));
  }

  @Test
  void theMessageListsEveryProblem() throws IOException {
    Path file = write("keys:\n  deletionWindowDays: 0\nsessions:\n  maxAgeDays: 0\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file, Map.of()));

    assertThat(e.getMessage()).contains("invalid configuration")
        .contains("keys.deletionWindowDays").contains("sessions.maxAgeDays");
  }

  private Path write(String yaml) throws IOException {
    Path file = tmp.resolve("confide.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private List<String> problems(Path file, Map<String, String> environment) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadFromEnvironment(file, environment));
    assertThat(e).as("configuration should have been refused").isNotNull();
    assertThat(e.problems()).isNotEmpty();
    return e.problems();
  }
}
