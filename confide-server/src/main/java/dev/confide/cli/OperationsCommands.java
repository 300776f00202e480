package dev.confide.cli;

import dev.confide.problem.Problem;
import dev.confide.retention.RetentionSweeps;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Operator commands: retention sweeps, erasure re-application after a restore, backups. */
final class OperationsCommands {
  private OperationsCommands() {}

  @Command(name = "retention", mixinStandardHelpOptions = true, description = "Retention sweeps.",
      subcommands = {Retention.Run.class})
  static final class Retention extends CommandGroup {
    @ParentCommand
    ConfideCommand parent;


    @Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every retention sweep now: idle chats, old usage records, purge of erased subjects.")
    static final class Run implements Callable<Integer> {
      @ParentCommand
      Retention retention;

      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Option(names = "--as-of", paramLabel = "INSTANT", description = "Sweep as of this time (ISO-8601, e.g. 2027-03-01T00:00:00Z).")
      String asOf;

      @Override
      public Integer call() throws Exception {
        Instant at;
        try {
          at = asOf == null ? null : Instant.parse(asOf);
        } catch (DateTimeParseException e) {
          throw Problem.invalid("invalid_instant", "--as-of must be an ISO-8601 instant such as 2027-03-01T00:00:00Z");
        }
        return retention.parent.withEngine(spec, (confide, out) -> {
          RetentionSweeps.Report report = at == null ? confide.retention.run() : confide.retention.run(at);
          out.printf("conversations expired: %d%nusage records expired: %d%nerased subjects purged: %d%n"
                  + "addresses truncated: %d%naccess log entries expired: %d%nexpired export archives deleted: %d%n"
                  + "ended sessions deleted: %d%n",
              report.conversationsExpired(), report.usageRecordsExpired(), report.subjectsPurged(), report.addressesTruncated(),
              report.accessLogsExpired(), report.archivesExpired(), report.sessionsEnded());
          return 0;
        });
      }
    }
  }

  @Command(name = "erasure", mixinStandardHelpOptions = true, description = "The erasure ledger.",
      subcommands = {Erasure.Reapply.class})
  static final class Erasure extends CommandGroup {
    @ParentCommand
    ConfideCommand parent;


    @Command(name = "reapply", mixinStandardHelpOptions = true,
        description = "After restoring a backup: erase again every subject in the erasure ledger file (dataDir/erasure-ledger.jsonl),"
            + " and delete again the chats and revoke again the API keys in the deletion journal (dataDir/deletion-journal.jsonl).")
    static final class Reapply implements Callable<Integer> {
      @ParentCommand
      Erasure erasure;

      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        return erasure.parent.withEngine(spec, (confide, out) -> {
          int again = confide.erasure.reapply();
          var journal = confide.deletionJournal.entries();
          int chats = confide.conversations.reapply(journal);
          int keys = confide.apiKeys.reapply(journal);
          var report = confide.retention.run();
          out.printf("subjects erased again: %d%nerased subjects purged: %d%nchats deleted again: %d%nAPI keys revoked again: %d%n",
              again, report.subjectsPurged(), chats, keys);
          return 0;
        });
      }
    }
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = "Write an online backup of the embedded database to a zip file. Keep the root key apart from it;"
          + " after restoring, run 'confide erasure reapply'. For PostgreSQL use pg_dump.")
  static final class Backup implements Callable<Integer> {
    @ParentCommand
    ConfideCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "Where to write the backup.")
    Path out;

    @Override
    public Integer call() throws Exception {
      return parent.withEngine(spec, (confide, printed) -> {
        if (confide.database.backend() != dev.confide.store.Database.Backend.H2) {
          throw Problem.invalid("use_pg_dump", "this deployment uses PostgreSQL: back it up with pg_dump (docs/operations.md)");
        }
        confide.database.backupTo(out);
        printed.println("backup written to " + out);
        return 0;
      });
    }
  }
}
