package dev.confide.cli;

import dev.confide.app.BackgroundJobs;
import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.http.ConfideHttp;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the Confide server (HTTP API and background jobs) until interrupted.")
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  ConfideCommand parent;

  @Option(names = "--tls", description = "Serve HTTPS (TLS 1.3/1.2, P-521) instead of plain HTTP.")
  boolean tls;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (overrides server.port).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    ConfideConfig config = parent.loadConfig();
    if (port != null) {
      config = config.withPort(port);
    }
    boolean https = tls || config.server().tls().enabled();
    if (https) {
      // Before anything in the process speaks TLS (the database may): the JDK fixes the groups then.
      dev.confide.http.TlsConnector.applyNamedGroups(config.server().tls());
    }
    Confide confide = Confide.open(config, Clock.systemUTC());
    BackgroundJobs jobs = new BackgroundJobs(confide);
    ConfideHttp http = ConfideHttp.start(confide, https);
    jobs.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.close();
      jobs.close();
      confide.close();
      stopped.countDown();
    }, "confide-shutdown"));
    stopped.await();
    return 0;
  }
}
