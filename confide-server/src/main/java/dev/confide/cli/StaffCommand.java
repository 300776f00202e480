package dev.confide.cli;

import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "staff", mixinStandardHelpOptions = true, description = "Manage staff members.",
    subcommands = {StaffCommand.Create.class, StaffCommand.CreateAdmin.class, StaffCommand.Disable.class,
        StaffCommand.Roles.class, StaffCommand.ResetTotp.class})
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
      Set<StaffRole> parsed = parseRoles(roles);
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

  static Set<StaffRole> parseRoles(List<String> roles) {
    Set<StaffRole> parsed = EnumSet.noneOf(StaffRole.class);
    for (String role : roles) {
      try {
        parsed.add(StaffRole.fromWireName(role));
      } catch (IllegalArgumentException e) {
        throw dev.confide.problem.Problem.invalid("invalid_role",
            "unknown role '" + role + "'; use admin, privacy_officer, support or security");
      }
    }
    return parsed;
  }

  /** The staff member by email, or a not-found error that names the option. */
  static UUID memberId(dev.confide.app.Confide confide, String email) {
    return confide.staff.idByEmail(email)
        .orElseThrow(() -> dev.confide.problem.Problem.notFound("no staff member uses this --email"));
  }

  /** What an operator did at the shell, audited with the system as actor: the log names no shell user. */
  static void audit(dev.confide.app.Confide confide, String action, UUID member, Map<String, Object> detail) {
    AuditEvent event = AuditEvent.of(Actor.system(), action).on("staff_member", member).with("via", "cli");
    for (Map.Entry<String, Object> d : detail.entrySet()) {
      event = event.with(d.getKey(), d.getValue());
    }
    confide.auditLog.append(event);
  }

  /** A change to one existing staff member, named by --email, made with the engine open. */
  abstract static class MemberChange implements Callable<Integer> {
    @ParentCommand
    StaffCommand staff;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--email", required = true, description = "The staff member's email address.")
    String email;

    /** Checks the options before the engine opens. */
    void validate() {}

    abstract void change(dev.confide.app.Confide confide, java.io.PrintWriter out, UUID member);

    @Override
    public Integer call() throws Exception {
      validate();
      return staff.parent.withEngine(spec, (confide, out) -> {
        change(confide, out, memberId(confide, email));
        return 0;
      });
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disable a staff member for good (left the company, factors leaked): sign-in refused, sessions and "
          + "break-glass grants ended at once. Audited.")
  static final class Disable extends MemberChange {
    @Override
    void change(dev.confide.app.Confide confide, java.io.PrintWriter out, UUID id) {
      boolean disabled = confide.staff.disable(id);
      int sessions = confide.staffSessions.revokeAll(id);
      int grants = confide.grants.revokeAllHeldBy(id, Actor.system());
      if (disabled) {
        audit(confide, AuditActions.STAFF_DISABLED, id, Map.of("sessions", sessions, "grants", grants));
      }
      out.println((disabled ? "disabled " : "already disabled ") + id + "; sessions ended: " + sessions + ", grants revoked: "
          + grants);
    }
  }

  @Command(name = "roles", mixinStandardHelpOptions = true,
      description = "Replace a staff member's roles. Takes effect on their next request. Audited.")
  static final class Roles extends MemberChange {
    @Option(names = "--role", required = true, split = ",",
        description = "The new roles, one or more of: admin, privacy_officer, support, security.")
    List<String> roles;

    private Set<StaffRole> parsed;

    @Override
    void validate() {
      parsed = parseRoles(roles);
    }

    @Override
    void change(dev.confide.app.Confide confide, java.io.PrintWriter out, UUID id) {
      confide.staff.setRoles(id, parsed);
      Map<String, Object> detail = new LinkedHashMap<>();
      for (StaffRole role : StaffRole.values()) {
        detail.put(role.wireName(), parsed.contains(role));
      }
      audit(confide, AuditActions.STAFF_ROLES_CHANGED, id, detail);
      out.println("roles of " + id + ": " + String.join(",", parsed.stream().map(StaffRole::wireName).sorted().toList()));
    }
  }

  @Command(name = "reset-totp", mixinStandardHelpOptions = true,
      description = "Give a staff member a new authenticator secret (lost or leaked); the old one stops working at once and "
          + "their sessions end. Prints the new secret once. Audited.")
  static final class ResetTotp extends MemberChange {
    @Override
    void change(dev.confide.app.Confide confide, java.io.PrintWriter out, UUID id) {
      String secret = confide.staff.resetTotp(id);
      int sessions = confide.staffSessions.revokeAll(id);
      audit(confide, AuditActions.STAFF_TOTP_RESET, id, Map.of("sessions", sessions));
      out.println("TOTP secret of " + id + " (add it to an authenticator app now; it is not shown again): " + secret);
    }
  }
}
