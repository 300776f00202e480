package dev.confide.bench.pii;

import dev.confide.pii.PiiEngine;
import dev.confide.pii.PiiShield;
import dev.confide.pii.Pseudonymizer;
import dev.confide.pii.ShieldMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the PII shield adds to one chat request, as ChatService runs it: {@link #shielded} pseudonymizes the
 * prompt on the shield's own thread pool (as the server wires it, with its time limit), streams the answer
 * through the {@link Pseudonymizer.Restorer} in small chunks, then restores the whole answer once more for
 * storage; {@link #unshielded} is the same request path without the shield (the outgoing message list is
 * built, the chunks go straight to the client). The added latency is the difference of the two
 * distributions (JMH's sample mode gives p50 and p99).
 *
 * <p>The prompt is texts of the PII dataset (dense with names, addresses and numbers) cut to {@code
 * promptBytes}; the answer repeats the pseudonymized prompt, placeholders included, so every placeholder
 * is restored, and is streamed in {@value #CHUNK}-char deltas, about one token each.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@State(Scope.Benchmark)
public class PiiShieldBenchmark {
  static final int CHUNK = 4;

  @Param({PiiBenchData.DEFAULT_DATASET})
  public String dataset;

  @Param({"1024", "16384"})
  public int promptBytes;

  private ExecutorService executor;
  private PiiShield shield;
  private List<String> prompt;
  private List<String> answerChunks;
  private String answer;

  @Setup(Level.Trial)
  public void setUp() {
    // As Confide wires it: the engine, detection on threads of its own, the default 2 s time limit.
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "confide-pii-shield");
      t.setDaemon(true);
      return t;
    });
    shield = new PiiShield(PiiEngine.standard(), executor, Duration.ofSeconds(2));
    prompt = List.of(PiiBenchData.prompt(PiiBenchData.texts(dataset), promptBytes));
    // Placeholders are numbered in order of appearance, so every run pseudonymizes the prompt the same way.
    answer = shield.apply(prompt, ShieldMode.PSEUDONYMIZE).texts().get(0);
    answerChunks = new ArrayList<>();
    for (int i = 0; i < answer.length(); i += CHUNK) {
      answerChunks.add(answer.substring(i, Math.min(answer.length(), i + CHUNK)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.shutdownNow();
  }

  @Benchmark
  public void shielded(Blackhole bh) {
    PiiShield.Shielded s = shield.apply(prompt, ShieldMode.PSEUDONYMIZE);
    bh.consume(new ArrayList<>(s.texts()));
    Pseudonymizer p = s.pseudonymizer();
    Pseudonymizer.Restorer restorer = p.restorer(bh::consume);
    for (String chunk : answerChunks) {
      restorer.accept(chunk);
    }
    restorer.finish();
    bh.consume(p.restore(answer));
  }

  @Benchmark
  public void unshielded(Blackhole bh) {
    bh.consume(new ArrayList<>(prompt));
    for (String chunk : answerChunks) {
      bh.consume(chunk);
    }
    bh.consume(answer);
  }
}
