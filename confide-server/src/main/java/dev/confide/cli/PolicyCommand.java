package dev.confide.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.confide.app.RuntimeSelfChecks;
import dev.confide.policy.PolicyLoader;
import dev.confide.policy.PolicyRenderer;
import dev.confide.policy.PolicyVerifier;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "The privacy policy file this deployment enforces.",
    subcommands = {PolicyCommand.Render.class, PolicyCommand.Verify.class})
final class PolicyCommand extends CommandGroup {
  /** Exit code of {@code verify} when a promise the policy makes is not kept. */
  static final int NOT_KEPT = 1;

  @ParentCommand
  ConfideCommand parent;

  @Command(name = "render", mixinStandardHelpOptions = true,
      description = "Print the human-readable policy as Markdown, rendered from the policy file (what /privacy shows).")
  static final class Render implements Callable<Integer> {
    @ParentCommand
    PolicyCommand policy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--policy", paramLabel = "SPEC",
        description = "A preset (infuzu, lumis) or a policy file; default: the configured policy.")
    String policySpec;

    @Override
    public Integer call() {
      String chosen = policySpec != null ? policySpec : policy.parent.loadConfig().policy();
      PrintWriter out = spec.commandLine().getOut();
      out.print(PolicyRenderer.markdown(PolicyLoader.load(chosen)));
      out.flush();
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"For each promise P01-P41: whether the configured policy makes it and whether this deployment keeps it,"
          + " from runtime self-checks (jobs running, keys fresh, sweeps on time, audit chain intact...).",
          "Exits with 1 when a promise the policy makes is not kept. The job checks read when the server last ran each"
              + " job, so they fail until a server has run on this database."})
  static final class Verify implements Callable<Integer> {
    @ParentCommand
    PolicyCommand policy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return policy.parent.withEngine(spec, (confide, out) -> {
        PolicyVerifier.Report report = new RuntimeSelfChecks(confide, confide.config.server().tls().enabled()).verify();
        if (json) {
          out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(RuntimeSelfChecks.toJson(report)));
        } else {
          out.print(report.toText());
        }
        return report.ok() ? 0 : NOT_KEPT;
      });
    }
  }
}
