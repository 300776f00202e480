package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the real command line in-process and keeps what it printed; shared by the CLI tests. */
record CliRun(int exit, String out, String err) {

  static CliRun run(String... args) {
    CommandLine cli = ConfideCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** The run, after checking it succeeded and printed nothing on stderr. */
  static CliRun ok(CliRun run) {
    assertThat(run.exit()).as("command failed: %s", run).isZero();
    assertThat(run.err()).as("command failed: %s", run).isEmpty();
    return run;
  }

  /** A configuration file under {@code dir}: this data directory, cheap password hashing, plus {@code extraYaml}. */
  static Path config(Path dir, Path dataDir, String extraYaml) throws IOException {
    Path file = Files.createTempFile(dir, "confide-", ".yaml");
    Files.writeString(file, """
        dataDir: "%s"
        server:
          port: 0
        passwords:
          memoryKib: 8192
          iterations: 1
        """.formatted(dataDir) + extraYaml);
    return file;
  }
}
