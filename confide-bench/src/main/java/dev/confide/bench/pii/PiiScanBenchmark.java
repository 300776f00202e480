package dev.confide.bench.pii;

import dev.confide.pii.PiiEngine;
import dev.confide.pii.PiiEntity;
import dev.confide.pii.Redaction;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scan + redact speed of {@link PiiEngine#standard()} on one thread: one operation is one pass over every
 * text of the dataset (detect, then replace each entity with its type). The {@code bytes} counter is the
 * UTF-8 bytes scanned per second; divided by 10^6 it is the MB/s per core quoted in docs/benchmarks.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@State(Scope.Benchmark)
public class PiiScanBenchmark {
  @Param({PiiBenchData.DEFAULT_DATASET})
  public String dataset;

  private PiiEngine engine;
  private List<String> texts;
  private long bytesPerPass;

  /** Bytes scanned, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Scanned {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    engine = PiiEngine.standard();
    texts = PiiBenchData.texts(dataset);
    bytesPerPass = texts.stream().mapToLong(PiiBenchData::utf8Bytes).sum();
  }

  @Benchmark
  public void scanAndRedact(Scanned scanned, Blackhole bh) {
    for (String text : texts) {
      List<PiiEntity> found = engine.detect(text);
      bh.consume(Redaction.replaceWithTypes(text, found));
    }
    scanned.bytes += bytesPerPass;
  }
}
