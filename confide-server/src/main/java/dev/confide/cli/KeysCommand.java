package dev.confide.cli;

import dev.confide.crypto.KeyRotation;
import dev.confide.crypto.KeyVersion;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Inspect and rotate Confide's keys.",
    subcommands = {KeysCommand.Status.class, KeysCommand.Rotate.class})
final class KeysCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show each keyring's versions, their ages, and how many subject keys each still wraps.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    KeysCommand keys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return keys.parent.withEngine(spec, (confide, out) -> {
        Instant now = confide.clock.instant();
        Map<Long, Long> wraps = confide.subjectKeys.countByKeyEncryptionKey();
        out.println("key-encryption keyring (wraps subject keys; rotated daily; versions destroyed after "
            + confide.config.keys().deletionWindowDays() + " days)");
        print(out, confide.keyEncryption.versions(), now, wraps);
        out.println();
        out.println("cookie keyring (seals session cookies; rotated daily; today's and yesterday's keys only)");
        print(out, confide.cookieKeys.versions(), now, null);
        out.println();
        out.println("blind-index keyring (email look-up; not rotated)");
        print(out, confide.blindIndexKeys.versions(), now, null);
        out.println();
        out.println("subject keys: " + wraps.values().stream().mapToLong(Long::longValue).sum());
        return 0;
      });
    }

    private static void print(PrintWriter out, java.util.List<KeyVersion> versions, Instant now, Map<Long, Long> wraps) {
      out.printf("  %-12s %-8s %-22s %-10s%s%n", "key id", "state", "created", "age", wraps == null ? "" : "  subject keys");
      for (KeyVersion v : versions) {
        String state = v.destroyed() ? "destroyed" : v.primary() ? "primary" : "active";
        out.printf("  %-12d %-8s %-22s %-10s%s%n", v.keyId(), state, v.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
            age(Duration.between(v.createdAt(), now)),
            wraps == null ? "" : "  " + wraps.getOrDefault(v.keyId(), 0L));
      }
    }

    private static String age(Duration d) {
      return d.toDays() > 0 ? d.toDays() + "d " + d.toHoursPart() + "h" : d.toHours() + "h " + d.toMinutesPart() + "m";
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Make a new key-encryption primary now, re-wrap every subject key to it, and destroy versions past the deletion window.")
  static final class Rotate implements Callable<Integer> {
    @ParentCommand
    KeysCommand keys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return keys.parent.withEngine(spec, (confide, out) -> {
        KeyRotation.Report report = confide.keyRotation.rotateNow();
        out.printf("new primary key %d; re-wrapped %d subject keys; destroyed %d old versions%n",
            confide.keyEncryption.primaryKeyId(), report.rewrapped(), report.destroyed().size());
        return 0;
      });
    }
  }
}
