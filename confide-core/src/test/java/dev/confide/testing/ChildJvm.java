package dev.confide.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on this test's class path, for crash tests: it can halt itself at a chosen point
 * ({@code Runtime.halt}, no shutdown hooks, no flush) or be killed with SIGKILL, and the test JVM
 * then looks at what it left behind. Output goes to a log file the test can read.
 */
public final class ChildJvm implements AutoCloseable {
  /** The exit code a child uses when it halted where it was told to (as a shell reports kill -9). */
  public static final int HALTED = 137;

  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Runs {@code main} with {@code args}; {@code environment} is added to this JVM's. */
  public static ChildJvm start(Class<?> main, Path log, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    try {
      return new ChildJvm(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a child JVM", e);
    }
  }

  /** Waits for the child to end by itself and returns its exit code; fails if it does not within {@code limit}. */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the child JVM did not end within " + limit + "; its log:\n" + log());
    }
    return process.exitValue();
  }

  /** kill -9: SIGKILL, then waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM: the child's shutdown hooks run; waits until it is gone. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the child printed so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
