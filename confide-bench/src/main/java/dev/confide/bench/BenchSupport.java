package dev.confide.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.confide.crypto.Keyring;
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

/** Wiring shared by the benchmarks: the same key chain the server builds at start-up. */
final class BenchSupport {
  private BenchSupport() {}

  /** Root key (local key file in {@code keyDir}) → key-encryption keyring → subject keys. */
  static SubjectKeys subjectKeys(Database db, Path keyDir) {
    try {
      Aead root = RootKeys.open(RootKeys.defaultUri(keyDir), List.of());
      Keyring<Aead> kek = Keyring.open(Keyring.KEY_ENCRYPTION, PredefinedAeadParameters.AES256_GCM,
          Aead.class, db.jdbi(), root, Clock.systemUTC());
      return new SubjectKeys(db.jdbi(), kek, Clock.systemUTC(), Duration.ofMinutes(5));
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

  static void deleteRecursively(Path dir) {
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
