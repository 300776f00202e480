package dev.confide.cli;

import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "staff", mixinStandardHelpOptions = true, description = "Manage staff members.",
    subcommands = {StaffCommand.Create.class, StaffCommand.CreateAdmin.class})
final class StaffCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;


  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a staff member. Prints JSON with a one-time password (to be changed at first sign-in) "
          + "and the TOTP secret (base32) for their authenticator app; neither is shown again.")
  static final class Create implements Callable<Integer> {
    @ParentCommand
    StaffCommand staff;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, description = "The staff member's name.")
    String name;

    @Option(names = "--email", required = true, description = "The staff member's email address.")
    String email;

    @Option(names = "--role", required = true, split = ",",
        description = "One or more of: admin, privacy_officer, support, security (repeat or separate with commas).")
    List<String> roles;

    @Override
    public Integer call() throws Exception {
      Set<StaffRole> parsed = EnumSet.noneOf(StaffRole.class);
      for (String role : roles) {
        try {
          parsed.add(StaffRole.fromWireName(role));
        } catch (IllegalArgumentException e) {
          throw dev.confide.problem.Problem.invalid("invalid_role",
              "unknown role '" + role + "'; use admin, privacy_officer, support or security");
        }
      }
      return staff.parent.withEngine(spec, (confide, printed) -> {
        StaffDirectory.Enrolled enrolled = confide.staff.createWithOneTimePassword(name, email, parsed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", enrolled.id().toString());
        out.put("roles", parsed.stream().map(StaffRole::wireName).sorted().toList());
        out.put("oneTimePassword", enrolled.oneTimePassword());
        out.put("totpSecret", enrolled.totpSecret());
        out.put("otpauthUri", "otpauth://totp/Confide:" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8)
            + "?secret=" + enrolled.totpSecret() + "&issuer=Confide");
        printed.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
        return 0;
      });
    }
  }

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
    public Integer call() throws Exception {
      char[] password = readPassword();
      try {
        return staff.parent.withEngine(spec, (confide, out) -> {
          StaffDirectory.Enrolled enrolled = confide.staff.create(name, email, password, EnumSet.of(StaffRole.ADMIN));
          out.println("created admin " + enrolled.id());
          out.println("TOTP secret (add it to an authenticator app now; it is not shown again): " + enrolled.totpSecret());
          return 0;
        });
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
