package dev.confide.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores a {@link PiiDetector} against a labelled dataset in Presidio's format: a JSON array of objects
 * with {@code full_text} and {@code spans} ({@code entity_type}, {@code start_position}, {@code
 * end_position}).
 *
 * <p>Matching is by span: a predicted span matches a gold span when their character IoU (intersection
 * over union) is at least 0.5, and each span is matched at most once (pairs taken greedily by descending
 * IoU). Per entity type, only spans of the same type can match; {@code GPE} counts as {@code LOCATION} and
 * {@code DOMAIN_NAME} as {@code URL} (as Presidio's own evaluation maps them). The global "PII" score
 * ignores types: any predicted span against any gold span, like Presidio's PII metric. Precision is
 * matches / predicted, recall is matches / gold, and F2 weighs recall twice as much as precision.
 */
public final class PiiEvaluation {
  /** The IoU a predicted span needs with a gold span to match it. */
  public static final double MIN_IOU = 0.5;
  /** The name of the type-agnostic score. */
  public static final String PII = "PII";

  private static final Map<String, String> ALIASES = Map.of("GPE", EntityTypes.LOCATION, EntityTypes.DOMAIN_NAME,
      EntityTypes.URL);

  private PiiEvaluation() {}

  /** A labelled span. */
  public record Span(String type, int start, int end) {}

  /** One labelled text. */
  public record Example(String text, List<Span> spans) {}

  /** Counts for one entity type (or for all PII). */
  public record Score(String type, int truePositives, int predicted, int support) {
    /** Matches / predicted spans; 0 when nothing was predicted. */
    public double precision() {
      return predicted == 0 ? 0 : (double) truePositives / predicted;
    }

    /** Matches / gold spans; 0 when there are none. */
    public double recall() {
      return support == 0 ? 0 : (double) truePositives / support;
    }

    /** F-beta: (1 + b²)·P·R / (b²·P + R); 0 when both are 0. */
    public double f(double beta) {
      double p = precision();
      double r = recall();
      double b2 = beta * beta;
      return p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
    }

    public double f2() {
      return f(2);
    }
  }

  /** The result of {@link #evaluate}. */
  public record Report(List<Score> entities, Score pii, int examples, long bytes) {
    /** A fixed-width table: one row per entity type, then the global PII row. */
    public String toTable() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "%-20s %9s %9s %9s %9s %9s%n", "entity", "precision", "recall", "f2",
          "support", "predicted"));
      for (Score s : entities) {
        b.append(row(s));
      }
      b.append(row(pii));
      return b.toString();
    }

    private static String row(Score s) {
      return String.format(Locale.ROOT, "%-20s %9.3f %9.3f %9.3f %9d %9d%n", s.type(), s.precision(), s.recall(),
          s.f2(), s.support(), s.predicted());
    }
  }

  /**
   * The result of {@link #throughput}: bytes scanned, passes over the dataset, wall-clock seconds, and the
   * scanning thread's CPU seconds (negative when the JVM cannot measure them).
   */
  public record Throughput(long bytes, int passes, double seconds, double cpuSeconds) {
    /** Megabytes (10^6 bytes of UTF-8 text) scanned per wall-clock second. */
    public double megabytesPerSecond() {
      return seconds == 0 ? 0 : bytes / 1e6 / seconds;
    }

    /**
     * Megabytes scanned per second of the thread's own CPU time: the speed of one core, undisturbed by
     * other processes competing for it. Falls back to wall-clock time when CPU time is not available.
     */
    public double megabytesPerCpuSecond() {
      return cpuSeconds <= 0 ? megabytesPerSecond() : bytes / 1e6 / cpuSeconds;
    }
  }

  // ---- reading ------------------------------------------------------------------------------------

  public static List<Example> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  /** Parses a Presidio-format dataset. Spans outside their text are an error. */
  public static List<Example> read(InputStream in) throws IOException {
    JsonNode root = new ObjectMapper().readTree(in);
    if (root == null || !root.isArray()) {
      throw new IOException("a Presidio dataset is a JSON array of {full_text, spans}");
    }
    List<Example> out = new ArrayList<>(root.size());
    int index = 0;
    for (JsonNode item : root) {
      JsonNode textNode = item.get("full_text");
      if (textNode == null || !textNode.isTextual()) {
        throw new IOException("example " + index + " has no full_text");
      }
      String text = textNode.asText();
      List<Span> spans = new ArrayList<>();
      JsonNode spansNode = item.get("spans");
      if (spansNode != null && spansNode.isArray()) {
        for (JsonNode sp : spansNode) {
          String type = sp.path("entity_type").asText(null);
          int start = sp.path("start_position").asInt(-1);
          int end = sp.path("end_position").asInt(-1);
          if (type == null || start < 0 || end <= start || end > text.length()) {
            throw new IOException("example " + index + " has an invalid span " + sp);
          }
          spans.add(new Span(type, start, end));
        }
      }
      out.add(new Example(text, List.copyOf(spans)));
      index++;
    }
    return out;
  }

  // ---- matching ------------------------------------------------------------------------------------

  /** The type both sides of a comparison are mapped to ({@code GPE} is {@code LOCATION}, ...). */
  public static String canonicalType(String type) {
    return ALIASES.getOrDefault(type, type);
  }

  /** Character intersection over union of [aStart, aEnd) and [bStart, bEnd). */
  public static double iou(int aStart, int aEnd, int bStart, int bEnd) {
    int inter = Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
    int union = (aEnd - aStart) + (bEnd - bStart) - inter;
    return union <= 0 ? 0 : (double) inter / union;
  }

  /**
   * How many one-to-one pairs of predicted and gold spans reach {@link #MIN_IOU}, pairing the highest
   * IoU first. Spans are {start, end} pairs.
   */
  public static int matches(List<int[]> predicted, List<int[]> gold) {
    List<double[]> pairs = new ArrayList<>();
    for (int p = 0; p < predicted.size(); p++) {
      for (int g = 0; g < gold.size(); g++) {
        double v = iou(predicted.get(p)[0], predicted.get(p)[1], gold.get(g)[0], gold.get(g)[1]);
        if (v >= MIN_IOU) {
          pairs.add(new double[] {v, p, g});
        }
      }
    }
    pairs.sort(Comparator.comparingDouble((double[] x) -> -x[0]).thenComparingDouble(x -> x[1])
        .thenComparingDouble(x -> x[2]));
    boolean[] usedP = new boolean[predicted.size()];
    boolean[] usedG = new boolean[gold.size()];
    int count = 0;
    for (double[] pair : pairs) {
      int p = (int) pair[1];
      int g = (int) pair[2];
      if (!usedP[p] && !usedG[g]) {
        usedP[p] = true;
        usedG[g] = true;
        count++;
      }
    }
    return count;
  }

  // ---- scoring -------------------------------------------------------------------------------------

  /** Runs the detector over every example and scores it per type and for all PII. */
  public static Report evaluate(PiiDetector detector, List<Example> examples) {
    List<List<PiiEntity>> predictions = new ArrayList<>(examples.size());
    for (Example e : examples) {
      predictions.add(detector.detect(e.text()));
    }
    return score(examples, predictions);
  }

  /** Scores given predictions (one list per example, in order). */
  public static Report score(List<Example> examples, List<List<PiiEntity>> predictions) {
    if (examples.size() != predictions.size()) {
      throw new IllegalArgumentException("one prediction list per example");
    }
    Map<String, int[]> counts = new TreeMap<>();
    int[] pii = new int[3];
    long bytes = 0;
    for (int i = 0; i < examples.size(); i++) {
      Example ex = examples.get(i);
      bytes += ex.text().getBytes(StandardCharsets.UTF_8).length;
      Map<String, List<int[]>> goldByType = new HashMap<>();
      Map<String, List<int[]>> predByType = new HashMap<>();
      List<int[]> allGold = new ArrayList<>();
      List<int[]> allPred = new ArrayList<>();
      for (Span s : ex.spans()) {
        int[] span = {s.start(), s.end()};
        goldByType.computeIfAbsent(canonicalType(s.type()), k -> new ArrayList<>()).add(span);
        allGold.add(span);
      }
      for (PiiEntity p : predictions.get(i)) {
        int[] span = {p.start(), p.end()};
        predByType.computeIfAbsent(canonicalType(p.type()), k -> new ArrayList<>()).add(span);
        allPred.add(span);
      }
      java.util.Set<String> types = new java.util.HashSet<>(goldByType.keySet());
      types.addAll(predByType.keySet());
      for (String type : types) {
        List<int[]> g = goldByType.getOrDefault(type, List.of());
        List<int[]> p = predByType.getOrDefault(type, List.of());
        int[] c = counts.computeIfAbsent(type, k -> new int[3]);
        c[0] += matches(p, g);
        c[1] += p.size();
        c[2] += g.size();
      }
      pii[0] += matches(allPred, allGold);
      pii[1] += allPred.size();
      pii[2] += allGold.size();
    }
    List<Score> entities = new ArrayList<>();
    counts.forEach((type, c) -> entities.add(new Score(type, c[0], c[1], c[2])));
    return new Report(List.copyOf(entities), new Score(PII, pii[0], pii[1], pii[2]), examples.size(), bytes);
  }

  /**
   * Single-thread scanning speed: runs the detector over all texts for at least {@code warmUp} (and at
   * least once) unmeasured, then for at least {@code measure} (and at least once) measured.
   */
  public static Throughput throughput(PiiDetector detector, List<Example> examples, Duration warmUp,
      Duration measure) {
    long bytesPerPass = 0;
    for (Example e : examples) {
      bytesPerPass += e.text().getBytes(StandardCharsets.UTF_8).length;
    }
    long sink = 0;
    long until = System.nanoTime() + warmUp.toNanos();
    do {
      for (Example e : examples) {
        sink += detector.detect(e.text()).size();
      }
    } while (System.nanoTime() < until);
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    int passes = 0;
    long cpu0 = cpu ? threads.getCurrentThreadCpuTime() : 0;
    long t0 = System.nanoTime();
    long stop = t0 + measure.toNanos();
    long now;
    do {
      for (Example e : examples) {
        sink += detector.detect(e.text()).size();
      }
      passes++;
      now = System.nanoTime();
    } while (now < stop);
    long cpu1 = cpu ? threads.getCurrentThreadCpuTime() : 0;
    if (sink == Long.MIN_VALUE) {
      throw new AssertionError(); // keeps the work observable
    }
    return new Throughput(bytesPerPass * passes, passes, (now - t0) / 1e9, cpu ? (cpu1 - cpu0) / 1e9 : -1);
  }
}
