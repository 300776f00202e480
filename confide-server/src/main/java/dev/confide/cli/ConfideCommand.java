package dev.confide.cli;

import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigException;
import dev.confide.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code confide} command. */
@Command(name = "confide", mixinStandardHelpOptions = true, versionProvider = ConfideCommand.Version.class,
    description = "Self-hostable AI chat whose privacy policy is enforced by the software itself.",
    subcommands = {ServeCommand.class, KeysCommand.class, StaffCommand.class, AuditCommand.class, UsageCommand.class, TrainingCommand.class,
        PiiCommand.class, PolicyCommand.class, OperationsCommands.Retention.class, OperationsCommands.Erasure.class,
        OperationsCommands.Backup.class, CommandLine.HelpCommand.class})
public final class ConfideCommand implements Runnable {

  @Option(names = "--config", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
      description = "YAML configuration file (default: $CONFIDE_CONFIG, else built-in defaults).")
  Path configFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Confide's error handling, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ConfideCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException || e instanceof dev.confide.policy.PolicyException) {
        commandLine.getErr().println(e.getMessage());
        return 2;
      }
      if (e instanceof dev.confide.problem.Problem p) {
        commandLine.getErr().println("error: " + p.getMessage() + " (" + p.code() + ")");
        return 1;
      }
      throw e;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  ConfideConfig loadConfig() {
    return new ConfigLoader().loadFromEnvironment(configFile, System.getenv());
  }

  Confide openEngine() {
    return Confide.open(loadConfig(), Clock.systemUTC());
  }

  /** What a subcommand does with an open engine and its output; returns the exit code. */
  @FunctionalInterface
  interface EngineWork {
    int run(Confide confide, PrintWriter out) throws Exception;
  }

  /** Opens the engine, runs {@code work} with the subcommand's output, flushes the output and closes the engine. */
  int withEngine(CommandLine.Model.CommandSpec spec, EngineWork work) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Confide confide = openEngine()) {
      return work.run(confide, out);
    } finally {
      out.flush();
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ConfideCommand.class.getPackage().getImplementationVersion();
      return new String[] {"confide " + (version == null ? "development build" : version)};
    }
  }
}
