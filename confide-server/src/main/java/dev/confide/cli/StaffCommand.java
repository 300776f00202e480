package dev.confide.cli;

import dev.confide.app.Confide;
import dev.confide.identity.StaffRole;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "staff", mixinStandardHelpOptions = true, description = "Manage staff members.",
    subcommands = {StaffCommand.CreateAdmin.class})
final class StaffCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;


  @Command(name = "create-admin", mixinStandardHelpOptions = true,
      description = "Create a staff member with the admin role. The password is read from the terminal, or from standard input with --password-stdin.")
  static final class CreateAdmin implements Callable<Integer> {
    @ParentCommand
    StaffCommand staff;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, description = "The admin's name.")
    String name;

    @Option(names = "--email", required = true, description = "The admin's email address.")
    String email;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordFromStdin;

    @Override
    public Integer call() throws IOException {
      char[] password = readPassword();
      try (Confide confide = staff.parent.openEngine()) {
        UUID id = confide.staff.create(name, email, password, EnumSet.of(StaffRole.ADMIN));
        spec.commandLine().getOut().println("created admin " + id);
        spec.commandLine().getOut().flush();
        return 0;
      } finally {
        java.util.Arrays.fill(password, '\0');
      }
    }

    private char[] readPassword() throws IOException {
      Console console = System.console();
      if (!passwordFromStdin && console != null) {
        return console.readPassword("password for the new admin: ");
      }
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw dev.confide.problem.Problem.invalid("missing_password", "no password on standard input");
      }
      return line.toCharArray();
    }
  }
}
