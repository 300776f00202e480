package dev.confide.cli;

import dev.confide.analytics.Epsilon;
import dev.confide.training.TrainingExport;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "training", mixinStandardHelpOptions = true, description = "Model-training data.",
    subcommands = {TrainingCommand.Export.class})
final class TrainingCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;


  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the conversations of subjects who allow training, PII replaced by pseudonyms and without"
          + " subject ids, as JSON lines; print a summary whose counts carry differential-privacy noise.")
  static final class Export implements Callable<Integer> {
    @ParentCommand
    TrainingCommand training;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "Where to write the export.")
    Path out;

    @Override
    public Integer call() throws Exception {
      Path partial = out.resolveSibling(out.getFileName() + ".partial");
      try {
        return training.parent.withEngine(spec, (confide, stdout) -> {
          Epsilon perCount = Epsilon.of(confide.config.training().epsilonPerCount());
          TrainingExport.Summary summary;
          try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            summary = confide.trainingExport.export(writer, perCount);
          }
          Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          stdout.printf("{\"file\":\"%s\",\"subjects\":%d,\"conversations\":%d,\"messages\":%d,\"epsilonPerCount\":\"%s\","
                  + "\"note\":\"counts carry differential-privacy noise\"}%n",
              out.toString().replace("\\", "\\\\").replace("\"", "\\\""), summary.subjects(), summary.conversations(),
              summary.messages(), summary.epsilonPerCount());
          return 0;
        });
      } finally {
        Files.deleteIfExists(partial);
      }
    }
  }
}
