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
import java.util.concurrent.atomic.AtomicReference;

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
    AtomicReference<Confide> engine = new AtomicReference<>();
    Confide.Hooks quick = new Confide.Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE, text -> List.of());
    if (args[2].equals("erasure")) {
      Erasure.Point haltAt = Erasure.Point.valueOf(args[4]);
      engine.set(Confide.open(config, clock, quick.withErasureObserver(point -> {
        if (point == haltAt) {
          halt(engine.get());
        }
      })));
      engine.get().erasure.erase(UUID.fromString(args[3]), "user_request");
    } else {
      String sweep = args[3];
      int n = Integer.parseInt(args[4]);
      AtomicInteger seen = new AtomicInteger();
      engine.set(Confide.open(config, clock, quick.withRetentionObserver((name, rows) -> {
        if (name.equals(sweep) && seen.incrementAndGet() == n) {
          halt(engine.get());
        }
      })));
      engine.get().retention.run();
    }
    System.exit(1); // the point never came
  }

  /**
   * The worst moment to die: everything done so far is in the files (on H2 too, which otherwise
   * stores commits half a second later, and then also the open transaction's changes), then halt.
   */
  private static void halt(Confide confide) {
    confide.database.makeCommitsDurable();
    Runtime.getRuntime().halt(ChildJvm.HALTED);
  }
}
