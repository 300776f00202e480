package dev.confide.reliability;

import dev.confide.app.Confide;
import dev.confide.chat.DecisionEvent;
import dev.confide.config.ConfigLoader;
import dev.confide.crypto.KeyRotation;
import dev.confide.rights.Erasure;
import dev.confide.testing.ChildJvm;
import dev.confide.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child process for {@link InterruptedJobsTest}: opens the engine on the test's configuration and
 * runs one step, halting the JVM (as kill -9 would) where it is told.
 *
 * <p>Arguments: config file, clock instant, then {@code erasure SUBJECT POINT} or {@code sweep
 * SWEEP N} (halt after the Nth committed batch of that sweep, e.g. {@code chats 2}).
 */
public final class JobCrashMain {
  public static void main(String[] args) {
    var config = new ConfigLoader().load(Path.of(args[0]), System.getenv());
    MutableClock clock = new MutableClock(Instant.parse(args[1]));
    // Chat is not run here: a detector that finds nothing spares loading the PII lexicons.
    Confide.Hooks quick = new Confide.Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE, text -> List.of());
    if (args[2].equals("erasure")) {
      Erasure.Point haltAt = Erasure.Point.valueOf(args[4]);
      Confide confide = Confide.open(config, clock, quick.withErasureObserver(point -> {
        if (point == haltAt) {
          Runtime.getRuntime().halt(ChildJvm.HALTED);
        }
      }));
      confide.erasure.erase(UUID.fromString(args[3]), "user_request");
    } else {
      String sweep = args[3];
      int n = Integer.parseInt(args[4]);
      AtomicInteger seen = new AtomicInteger();
      Confide confide = Confide.open(config, clock, quick.withRetentionObserver((name, rows) -> {
        if (name.equals(sweep) && seen.incrementAndGet() == n) {
          Runtime.getRuntime().halt(ChildJvm.HALTED);
        }
      }));
      confide.retention.run();
    }
    System.exit(1); // the point never came
  }
}
