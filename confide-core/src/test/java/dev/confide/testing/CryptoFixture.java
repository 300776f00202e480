package dev.confide.testing;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import dev.confide.crypto.BlindIndex;
import dev.confide.crypto.CookieSealer;
import dev.confide.crypto.KeyHierarchy;
import dev.confide.crypto.KeyRotation;
import dev.confide.crypto.Keyring;
import dev.confide.crypto.RootKeys;
import dev.confide.crypto.SubjectKeys;
import dev.confide.store.Database;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/** A database on one backend with the whole key hierarchy over it, as the composition root builds it. */
public final class CryptoFixture implements AutoCloseable {
  public final TestBackend.Location location;
  public final Database database;
  public final Path keyFile;
  public final MutableClock clock;
  public final Aead rootKey;
  public final KeyHierarchy keys;
  public final Keyring<Aead> keyEncryption;
  public final Keyring<Aead> cookieKeys;
  public final Keyring<PrfSet> blindIndexKeys;
  public final SubjectKeys subjectKeys;
  public final CookieSealer cookieSealer;
  public final BlindIndex blindIndex;

  private CryptoFixture(TestBackend.Location location, Path keyFile, MutableClock clock) throws GeneralSecurityException {
    this.location = location;
    this.keyFile = keyFile;
    this.clock = clock;
    this.database = Database.open(location.settings());
    this.rootKey = RootKeys.open(RootKeys.defaultUri(keyFile.getParent()), List.of());
    this.keys = KeyHierarchy.open(database.jdbi(), rootKey, clock, Duration.ofSeconds(60));
    this.keyEncryption = keys.keyEncryption();
    this.cookieKeys = keys.cookieKeys();
    this.blindIndexKeys = keys.blindIndexKeys();
    this.subjectKeys = keys.subjectKeys();
    this.cookieSealer = keys.cookieSealer();
    this.blindIndex = keys.blindIndex();
  }

  public static CryptoFixture open(TestBackend backend, Path tempDir, MutableClock clock) throws GeneralSecurityException {
    return new CryptoFixture(backend.newLocation(tempDir), tempDir.resolve("keys").resolve("root.key"), clock);
  }

  /** Opens the hierarchy over an existing database and key file (another process's view). */
  public static CryptoFixture attach(dev.confide.store.DatabaseSettings settings, Path keyFile, MutableClock clock)
      throws GeneralSecurityException {
    return new CryptoFixture(new TestBackend.Location(settings, null), keyFile, clock);
  }

  /** A second engine over the same database and root key, as another instance or a restart sees it. */
  public CryptoFixture reopen() throws GeneralSecurityException {
    return new CryptoFixture(new TestBackend.Location(location.settings(), null), keyFile, clock);
  }

  public KeyRotation rotation(Duration deletionWindow, KeyRotation.Observer observer) {
    return keys.rotation(deletionWindow, 2, observer);
  }

  @Override
  public void close() {
    database.close();
    location.close();
  }
}
