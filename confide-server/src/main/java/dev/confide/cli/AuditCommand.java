package dev.confide.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.confide.audit.AuditHead;
import dev.confide.audit.AuditVerification;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the tamper-evident audit log (P22).",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Head.class})
final class AuditCommand extends CommandGroup {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @ParentCommand
  ConfideCommand parent;

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Walk the hash chain and report the first edited, deleted, inserted or reordered entry. "
          + "With --seq and --mac, also check against a head exported earlier (detects a cut-off tail). Exit code 1 when invalid.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand
    AuditCommand audit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seq", description = "Sequence number of an exported chain head.")
    Long seq;

    @Option(names = "--mac", description = "MAC (hex) of that exported chain head.")
    String mac;

    @Override
    public Integer call() throws Exception {
      return audit.parent.withEngine(spec, (confide, out) -> {
        AuditVerification result = seq != null && mac != null
            ? confide.auditLog.verifyAgainst(new AuditHead(seq, mac, null))
            : confide.auditLog.verify();
        out.println(JSON.writeValueAsString(result));
        return result.valid() ? 0 : 1;
      });
    }
  }

  @Command(name = "head", mixinStandardHelpOptions = true,
      description = "Print the chain head (seq, mac, time) as JSON, to keep outside Confide and check later.")
  static final class Head implements Callable<Integer> {
    @ParentCommand
    AuditCommand audit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return audit.parent.withEngine(spec, (confide, out) -> {
        out.println(JSON.writeValueAsString(confide.auditLog.head()));
        return 0;
      });
    }
  }
}
