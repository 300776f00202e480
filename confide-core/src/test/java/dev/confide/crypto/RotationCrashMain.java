package dev.confide.crypto;

import dev.confide.store.DatabaseSettings;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Child process for {@link RotationCrashTest}: rotates and halts the JVM at the named step. */
public final class RotationCrashMain {
  public static void main(String[] args) throws Exception {
    DatabaseSettings settings = new DatabaseSettings(args[0], args[1], "", args[2].isEmpty() ? null : args[2], 2);
    MutableClock clock = new MutableClock(Instant.parse(args[4]));
    KeyRotation.Step haltAt = KeyRotation.Step.valueOf(args[5]);
    CryptoFixture f = CryptoFixture.attach(settings, Path.of(args[3]), clock);
    f.rotation(Duration.ofDays(30), step -> {
      if (step == haltAt) {
        Runtime.getRuntime().halt(dev.confide.testing.ChildJvm.HALTED);
      }
    }).runDaily();
    System.exit(1); // the step never came
  }
}
