package dev.confide.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.confide.problem.Problem;
import dev.confide.usage.BillingExport;
import dev.confide.usage.UsageLedger;
import java.io.PrintWriter;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "usage", mixinStandardHelpOptions = true, description = "Usage and billing summaries.",
    subcommands = {UsageCommand.Export.class})
final class UsageCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;


  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Per-subject usage totals for one month (UTC), for an external payment processor's metered billing."
          + " Subjects appear under a stable pseudonym, never their id. Each subject's lines pass the disclosure gate;"
          + " subjects it refuses are withheld and counted on standard error.")
  static final class Export implements Callable<Integer> {
    @ParentCommand
    UsageCommand usage;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--period", required = true, paramLabel = "YYYY-MM", description = "The month, e.g. 2026-11.")
    String period;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "Output format (default: csv).")
    String format;

    @Option(names = "--processor", paramLabel = "NAME",
        description = "The policy's payment processor receiving the export (default: the policy's only one).")
    String processor;

    @Override
    public Integer call() throws Exception {
      YearMonth month;
      try {
        month = YearMonth.parse(period);
      } catch (DateTimeParseException e) {
        throw Problem.invalid("invalid_period", "--period must be a month as YYYY-MM");
      }
      if (!format.equals("csv") && !format.equals("json")) {
        throw Problem.invalid("invalid_format", "--format must be csv or json");
      }
      return usage.parent.withEngine(spec, (confide, out) -> {
        BillingExport.Result export = confide.billing.export(month, confide.processors.billing(processor));
        List<UsageLedger.BillingLine> lines = export.lines();
        if (export.withheldSubjects() > 0) {
          PrintWriter err = spec.commandLine().getErr();
          err.println("withheld: " + export.withheldSubjects() + " subject(s) the disclosure gate refused (data region"
              + " and the processor's transfer safeguard)");
          err.flush();
        }
        if (format.equals("csv")) {
          out.println("period,subject,model,requests,prompt_tokens,completion_tokens,total_tokens");
          for (UsageLedger.BillingLine l : lines) {
            out.printf("%s,%s,%s,%d,%d,%d,%d%n", month, l.subject(), csv(l.model()), l.requests(), l.promptTokens(),
                l.completionTokens(), l.promptTokens() + l.completionTokens());
          }
        } else {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("period", month.toString());
          body.put("withheldSubjects", export.withheldSubjects());
          body.put("lines", lines.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", l.subject());
            m.put("model", l.model());
            m.put("requests", l.requests());
            m.put("promptTokens", l.promptTokens());
            m.put("completionTokens", l.completionTokens());
            m.put("totalTokens", l.promptTokens() + l.completionTokens());
            return m;
          }).toList());
          out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(body));
        }
        return 0;
      });
    }

    private static String csv(String value) {
      return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
  }
}
