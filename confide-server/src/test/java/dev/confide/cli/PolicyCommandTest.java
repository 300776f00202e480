package dev.confide.cli;

import static dev.confide.cli.CliRun.ok;
import static dev.confide.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.app.BackgroundJobs;
import dev.confide.config.ConfigLoader;
import dev.confide.policy.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide policy render|verify}, and start-up refusing an invalid policy file. */
class PolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void anInvalidPolicyFileStopsServeAndEveryCommandWithItsLineNumberedErrors() throws IOException {
    Path policy = tmp.resolve("bad-policy.yaml");
    Files.writeString(policy, PolicyLoader.presetYaml("infuzu")
        .replace("minimumAge: 13", "minimumAge: 7")
        .replace("  privacyEmail: privacy@infuzu.com", "  privacyEmail: privacy@infuzu.com\n  phone: 555-0100"));
    Path config = config(tmp.resolve("data"), "policy: " + policy + "\n");

    for (String[] command : List.of(new String[] {"serve"}, new String[] {"serve", "--tls"}, new String[] {"keys", "status"},
        new String[] {"policy", "verify"}, new String[] {"policy", "render"})) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--config", config.toString()));

      CliRun run = run(args.toArray(String[]::new));

      assertThat(run.exit()).as("%s: %s", args, run).isEqualTo(2);
      assertThat(run.err()).as("%s", args)
          .contains("policy " + policy + " is invalid (2 errors)")
          .containsPattern(java.util.regex.Pattern.quote(policy.toString()) + ":18:3: contacts has no key 'phone'")
          .containsPattern(java.util.regex.Pattern.quote(policy.toString()) + ":24:\\d+: minimumAge")
          .doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(run.out()).as("%s", args).isEmpty();
    }
    assertThat(tmp.resolve("data")).as("nothing was created from a bad policy").doesNotExist();
  }

  @Test
  void aMissingPolicyFileIsNamed() throws IOException {
    Path missing = tmp.resolve("nowhere.yaml");
    Path config = config(tmp.resolve("data"), "policy: " + missing + "\n");

    CliRun run = run("serve", "--config", config.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(missing + ": no such file (and not a preset: infuzu, lumis)").doesNotContain("Exception");
  }

  @Tag("P04")
  @Tag("P07")
  @Test
  void renderPrintsTheConfiguredPolicyOrTheOneNamedAsMarkdown() throws IOException {
    Path custom = tmp.resolve("custom.yaml");
    Files.writeString(custom, PolicyLoader.presetYaml("infuzu").replace("chatRetentionDays: 90", "chatRetentionDays: 45")
        .replace("    retention: 90\n", "    retention: 45\n").replace("name: Infuzu", "name: Custom Chat"));
    Path config = config(tmp.resolve("data"), "policy: " + custom + "\n");

    CliRun configured = ok(run("policy", "render", "--config", config.toString()));
    assertThat(configured.out()).startsWith("# ").contains("Custom Chat").contains("deleted after 45 days without activity")
        .contains("## ");

    CliRun lumis = ok(run("policy", "render", "--policy", "lumis", "--config", config.toString()));
    assertThat(lumis.out()).contains("Lumis").contains("until you delete it or your account").doesNotContain("Custom Chat");
    assertThat(tmp.resolve("data")).as("rendering needs no database").doesNotExist();
  }

  @Test
  void verifyReportsEveryPromiseAndFailsUntilTheServerHasRunItsJobs() throws IOException {
    Path config = config(tmp.resolve("data"), "server:\n  secureCookies: true\n");

    CliRun fresh = run("policy", "verify", "--config", config.toString());
    assertThat(fresh.exit()).as(fresh.toString()).isEqualTo(PolicyCommand.NOT_KEPT);
    assertThat(fresh.out()).containsPattern("(?m)^P01 ").containsPattern("(?m)^P41 ")
        .contains("'key-rotation' has never succeeded").contains("NOT ALL PROMISES MADE ARE KEPT");

    CliRun json = run("policy", "verify", "--json", "--config", config.toString());
    assertThat(json.exit()).isEqualTo(PolicyCommand.NOT_KEPT);
    JsonNode report = JSON.readTree(json.out());
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("policyVersion").asText()).isEqualTo("2025-01-01");
    List<JsonNode> promises = StreamSupport.stream(report.get("promises").spliterator(), false).toList();
    assertThat(promises).hasSize(41);
    assertThat(report.get("promisesMade").asInt()).isEqualTo(30);
    JsonNode p04 = promises.get(3);
    assertThat(p04.get("id").asText()).isEqualTo("P04");
    assertThat(p04.get("made").asBoolean()).isTrue();
    assertThat(p04.get("enforced").asBoolean()).isFalse();
    assertThat(p04.get("checks")).extracting(c -> c.get("name").asText()).containsExactly("job.retention", "sweeps.on-time");
    JsonNode p09 = promises.get(8);
    assertThat(p09.get("made").asBoolean()).as("a Lumis promise infuzu does not make").isFalse();

    // what the server's jobs would have recorded
    try (Confide confide = Confide.open(new ConfigLoader().load(config, Map.of()), Clock.systemUTC())) {
      for (String job : List.of(BackgroundJobs.KEY_ROTATION, BackgroundJobs.RETENTION, BackgroundJobs.REMINDERS)) {
        assertThat(confide.leases.tryAcquire(job, "test", Duration.ofMinutes(1))).isTrue();
        confide.leases.recordSuccess(job);
      }
    }
    CliRun kept = run("policy", "verify", "--config", config.toString());
    assertThat(kept.exit()).as(kept.toString()).isZero();
    assertThat(kept.out()).contains("30 promises made, 30 enforced").doesNotContain("NOT ALL");
  }

  private Path config(Path dataDir, String extraYaml) throws IOException {
    return CliRun.config(tmp, dataDir, extraYaml);
  }
}
