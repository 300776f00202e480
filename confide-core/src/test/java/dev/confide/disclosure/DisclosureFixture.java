package dev.confide.disclosure;

import dev.confide.consent.SettingsDefaults;
import dev.confide.consent.SubjectSettings;
import dev.confide.identity.NewAccount;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The gate over a real database, with a small registry: an EU host, a US model provider without and one with SCC. */
final class DisclosureFixture implements AutoCloseable {
  static final Processor EU_HOST = new Processor("eu-host", Set.of("hosting", "analytics"), Set.of("content", "usage", "health"),
      "DE", TransferMechanism.NONE, false);
  static final Processor US_PLAIN = new Processor("us-plain", Set.of("model_inference", "training", "sharing"),
      Set.of("content"), "US", TransferMechanism.NONE, false);
  static final Processor US_SCC = new Processor("us-scc", Set.of("model_inference"), Set.of("content"), "US",
      TransferMechanism.SCC, true);

  final IdentityFixture identity;
  final MutableClock clock;
  final Jdbi jdbi;
  final SubjectSettings settings;
  final SubjectRegions regions;
  final DisclosureLog log;
  final DisclosureGate gate;

  private DisclosureFixture(IdentityFixture identity, MutableClock clock, String defaultRegion) {
    this.identity = identity;
    this.clock = clock;
    this.jdbi = identity.crypto.database.jdbi();
    this.settings = new SubjectSettings(jdbi, identity.accounts, new SettingsDefaults(90, true, false), clock);
    this.regions = new SubjectRegions(jdbi, defaultRegion);
    this.log = new DisclosureLog(jdbi, clock);
    this.gate = new DisclosureGate(new ProcessorRegistry(List.of(EU_HOST, US_PLAIN, US_SCC)), settings, regions, log);
  }

  static DisclosureFixture open(TestBackend backend, Path tmp, String defaultRegion) throws Exception {
    MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
    return new DisclosureFixture(IdentityFixture.open(backend, tmp, clock), clock, defaultRegion);
  }

  UUID signUp(String name) {
    return identity.accounts.signUp(new NewAccount(name, name.toLowerCase() + "@example.com",
        "a long passphrase 42".toCharArray(), LocalDate.of(1990, 1, 1)));
  }

  @Override
  public void close() {
    identity.close();
  }
}
