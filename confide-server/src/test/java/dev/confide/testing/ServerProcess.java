package dev.confide.testing;

import dev.confide.cli.ConfideCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code confide serve} in a child JVM on a free loopback port, over a test backend's
 * database and data directory, so a test can kill it with SIGKILL and start it again on the same data.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on \\S*?:(\\d+)");

  private final ChildJvm jvm;
  private final int port;

  private ServerProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** Starts the server with the test configuration ({@link TestServer#configFile}) and waits until it listens. */
  public static ServerProcess start(TestBackend.Location location, Path tmp, String extraYaml, String name)
      throws InterruptedException {
    Path config = TestServer.configFile(tmp, extraYaml);
    ChildJvm jvm = ChildJvm.start(ConfideCommand.class, tmp.resolve(name + ".log"), TestServer.environment(location, tmp),
        "--config", config.toString(), "serve");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(jvm.log());
      if (m.find()) {
        return new ServerProcess(jvm, Integer.parseInt(m.group(1)));
      }
      if (!jvm.isAlive()) {
        throw new AssertionError("the server did not start; its log:\n" + jvm.log());
      }
      Thread.sleep(100);
    }
    jvm.kill();
    throw new AssertionError("the server did not listen within 90 s; its log:\n" + jvm.log());
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public ApiClient client() {
    return new ApiClient(baseUrl());
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    jvm.kill();
  }

  /** An orderly stop (SIGTERM, shutdown hooks run). */
  public void stop() throws InterruptedException {
    jvm.stop();
  }

  public String log() {
    return jvm.log();
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
