package dev.confide.testing;

import dev.confide.identity.Accounts;
import dev.confide.identity.AgeGate;
import dev.confide.identity.ApiKeys;
import dev.confide.identity.PasswordHasher;
import dev.confide.identity.Sessions;
import dev.confide.identity.StaffDirectory;
import java.nio.file.Path;
import java.time.Duration;

/** Identity services over a {@link CryptoFixture}, with a cheap Argon2id setting for speed. */
public final class IdentityFixture implements AutoCloseable {
  public static final PasswordHasher.Settings FAST_HASH = new PasswordHasher.Settings(8192, 1, 1);

  public final CryptoFixture crypto;
  public final PasswordHasher hasher = new PasswordHasher(FAST_HASH);
  public final Accounts accounts;
  public final Sessions sessions;
  public final ApiKeys apiKeys;
  public final StaffDirectory staff;

  private IdentityFixture(CryptoFixture crypto) {
    this.crypto = crypto;
    var jdbi = crypto.database.jdbi();
    this.accounts = new Accounts(jdbi, crypto.subjectKeys, crypto.blindIndex, hasher, new AgeGate(13, crypto.clock), crypto.clock);
    this.sessions = new Sessions(jdbi, crypto.clock, Duration.ofDays(30));
    this.apiKeys = new ApiKeys(jdbi, crypto.subjectKeys, crypto.clock);
    this.staff = new StaffDirectory(jdbi, crypto.subjectKeys, crypto.blindIndex, hasher, crypto.clock);
  }

  public static IdentityFixture open(TestBackend backend, Path tmp, MutableClock clock) throws Exception {
    return new IdentityFixture(CryptoFixture.open(backend, tmp, clock));
  }

  @Override
  public void close() {
    crypto.close();
  }
}
