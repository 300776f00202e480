package dev.confide.bench;

import com.google.crypto.tink.Aead;
import dev.confide.crypto.KeyHierarchy;
import dev.confide.crypto.RootKeys;
import dev.confide.crypto.SubjectKeys;
import dev.confide.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Set-up shared by the benchmarks and the load drivers. */
public final class BenchSupport {
  private BenchSupport() {}

  /** The key hierarchy the server opens at start-up (root key file in {@code keyDir}). */
  static SubjectKeys subjectKeys(Database db, Path keyDir) {
    try {
      Aead root = RootKeys.open(RootKeys.defaultUri(keyDir), List.of());
      return KeyHierarchy.open(db.jdbi(), root, Clock.systemUTC(), Duration.ofMinutes(5)).subjectKeys();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot open the root key", e);
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a temporary directory and everything in it; nothing when {@code dir} is null. */
  public static void deleteRecursively(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
