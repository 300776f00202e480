package dev.confide.bench.pii;

import dev.confide.pii.PiiEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Texts of a Presidio-format dataset, read once per trial. */
final class PiiBenchData {
  /** Where the dataset sits when the benchmark runs from the repository root (override with -p dataset=...). */
  static final String DEFAULT_DATASET = "../shared/benchmarks/pii/presidio_synth_dataset_v2.json";

  private PiiBenchData() {}

  static List<String> texts(String dataset) {
    try {
      return PiiEvaluation.read(Path.of(dataset)).stream().map(PiiEvaluation.Example::text).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dataset " + dataset + " (set -p dataset=FILE)", e);
    }
  }

  static int utf8Bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The dataset's texts, one paragraph each, until the prompt has {@code bytes} UTF-8 bytes (cut there). */
  static String prompt(List<String> texts, int bytes) {
    StringBuilder b = new StringBuilder(bytes + 256);
    int k = 0;
    while (utf8Bytes(b.toString()) < bytes) {
      b.append(texts.get(k++ % texts.size())).append("\n\n");
    }
    String s = b.toString();
    int end = s.length();
    while (utf8Bytes(s.substring(0, end)) > bytes) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
