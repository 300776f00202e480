package dev.confide.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.pii.PiiEngine;
import dev.confide.pii.PiiEntity;
import dev.confide.pii.PiiEvaluation;
import dev.confide.pii.Redaction;
import dev.confide.problem.Problem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code confide pii}: the PII detector on the command line. Needs no database. */
@Command(name = "pii", mixinStandardHelpOptions = true,
    description = "Find personal data in text, and measure how well it is found.",
    subcommands = {PiiCommand.Eval.class, PiiCommand.Scan.class})
final class PiiCommand extends CommandGroup {
  @ParentCommand
  ConfideCommand parent;


  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Score the detector on a Presidio-format dataset (JSON array of {full_text, spans}): precision,"
          + " recall and F2 per entity type and for all PII (spans match at IoU >= 0.5), and scanning speed.")
  static final class Eval implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The dataset, e.g. presidio_synth_dataset_v2.json.")
    Path file;

    @Option(names = "--half", defaultValue = "all", paramLabel = "all|even|odd",
        description = "Score only the texts at even (0, 2, 4, ...) or odd positions (default: all). Keeps a half"
            + " that was never looked at while tuning, to tell how the detector does on unseen text.")
    String half;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "SECONDS",
        description = "Unmeasured scanning before the speed is measured (default: 3).")
    double warmupSeconds;

    @Option(names = "--measure", defaultValue = "5", paramLabel = "SECONDS",
        description = "How long to measure scanning speed (default: 5; 0 skips the measurement).")
    double measureSeconds;

    @Override
    public Integer call() {
      List<PiiEvaluation.Example> examples;
      try {
        examples = PiiEvaluation.read(file);
      } catch (NoSuchFileException e) {
        throw Problem.invalid("dataset_not_found", "no such file: " + file);
      } catch (IOException e) {
        throw Problem.invalid("invalid_dataset", "cannot read " + file + ": " + e.getMessage());
      }
      examples = half(examples);
      long t0 = System.nanoTime();
      PiiEngine engine = PiiEngine.standard();
      long buildMillis = (System.nanoTime() - t0) / 1_000_000;
      PiiEvaluation.Report report = PiiEvaluation.evaluate(engine, examples);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "dataset: %s (%d texts%s, %d bytes)%n", file, report.examples(),
          half.equals("all") ? "" : ", " + half + " positions", report.bytes());
      out.printf(Locale.ROOT, "engine built in %d ms%n%n", buildMillis);
      out.print(report.toTable());
      PiiEvaluation.Score pii = report.pii();
      out.printf(Locale.ROOT, "%nglobal PII: precision %.3f, recall %.3f, F2 %.3f%n", pii.precision(), pii.recall(),
          pii.f2());
      if (measureSeconds > 0 && !examples.isEmpty()) {
        PiiEvaluation.Throughput speed = PiiEvaluation.throughput(engine, examples, seconds(warmupSeconds),
            seconds(measureSeconds));
        out.printf(Locale.ROOT, "throughput: %.2f MB/s on one thread (%d passes over %d bytes in %.1f s)%n",
            speed.megabytesPerSecond(), speed.passes(), report.bytes(), speed.seconds());
        out.printf(Locale.ROOT, "per core: %.2f MB/s of the scanning thread's CPU time"
            + " (less affected by other processes)%n", speed.megabytesPerCpuSecond());
      }
      out.flush();
      return 0;
    }

    private List<PiiEvaluation.Example> half(List<PiiEvaluation.Example> all) {
      int first = switch (half) {
        case "all" -> -1;
        case "even" -> 0;
        case "odd" -> 1;
        default -> throw Problem.invalid("invalid_half", "--half must be all, even or odd");
      };
      if (first < 0) {
        return all;
      }
      List<PiiEvaluation.Example> out = new java.util.ArrayList<>(all.size() / 2 + 1);
      for (int i = first; i < all.size(); i += 2) {
        out.add(all.get(i));
      }
      return out;
    }

    private static Duration seconds(double s) {
      return Duration.ofNanos((long) (Math.max(0, s) * 1e9));
    }
  }

  @Command(name = "scan", mixinStandardHelpOptions = true,
      description = "Read JSON lines {\"text\": \"...\"} on standard input; write one JSON line per input with the"
          + " entities found and the text redacted: {\"entities\": [{\"type\", \"start\", \"end\", \"score\"}],"
          + " \"redacted\": \"...\"}. A line that is not such an object gets {\"error\": \"...\"}; scanning goes on."
          + " Offsets count UTF-16 chars, as in Java and JavaScript strings.")
  static final class Scan implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--whole-addresses", description = "Report an address over several lines as one STREET_ADDRESS.")
    boolean wholeAddresses;

    @Override
    public Integer call() throws IOException {
      PiiEngine engine = wholeAddresses ? PiiEngine.builder().wholeAddresses(true).build() : PiiEngine.standard();
      PrintWriter out = spec.commandLine().getOut();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        out.println(JSON.writeValueAsString(scan(engine, line, lineNo)));
        out.flush();
      }
      out.flush();
      return 0;
    }

    private static ObjectNode scan(PiiEngine engine, String line, int lineNo) {
      JsonNode input;
      try {
        input = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return error("line " + lineNo + ": not JSON");
      }
      if (input == null || !input.isObject()) {
        return error("line " + lineNo + ": expected an object {\"text\": \"...\"}");
      }
      JsonNode text = input.get("text");
      if (text == null || !text.isTextual()) {
        return error("line " + lineNo + ": \"text\" must be a string");
      }
      String s = text.asText();
      List<PiiEntity> found = engine.detect(s);
      ObjectNode result = JSON.createObjectNode();
      ArrayNode entities = result.putArray("entities");
      for (PiiEntity e : found) {
        ObjectNode o = entities.addObject();
        o.put("type", e.type());
        o.put("start", e.start());
        o.put("end", e.end());
        o.put("score", e.score());
      }
      result.put("redacted", Redaction.replaceWithTypes(s, found));
      return result;
    }

    private static ObjectNode error(String message) {
      return JSON.createObjectNode().put("error", message);
    }
  }
}
