package dev.confide.rights;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.identity.NewAccount;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SubjectFootprintTest {
  @TempDir Path tmp;

  @Tag("P21")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void countsOnlyTheSubjectsOwnRowsAndKnowsNoErasedOrUnknownSubject(TestBackend backend) throws Exception {
    try (IdentityFixture f = IdentityFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID ada = f.accounts.signUp(new NewAccount("Ada", "ada@example.com", "a long passphrase 42".toCharArray(), LocalDate.of(1990, 1, 1)));
      UUID bob = f.accounts.signUp(new NewAccount("Bob", "bob@example.com", "a long passphrase 42".toCharArray(), LocalDate.of(1990, 1, 1)));
      f.apiKeys.create(ada, "laptop");
      f.apiKeys.create(ada, "phone");
      f.apiKeys.create(bob, "bob's");
      SupportTickets tickets = new SupportTickets(f.crypto.database.jdbi(), f.crypto.subjectKeys, f.crypto.clock);
      tickets.open(ada, "billing", "I was charged twice");
      SubjectFootprint footprints = new SubjectFootprint(f.crypto.database.jdbi());

      SubjectFootprint.Footprint footprint = footprints.of(ada).orElseThrow();

      assertThat(footprint.createdAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
      assertThat(footprint.rowCounts()).containsExactly(
          java.util.Map.entry("conversations", 0L), java.util.Map.entry("messages", 0L),
          java.util.Map.entry("support_tickets", 1L), java.util.Map.entry("privacy_requests", 0L),
          java.util.Map.entry("api_keys", 2L));
      assertThat(footprints.of(bob).orElseThrow().rowCounts()).containsEntry("api_keys", 1L).containsEntry("support_tickets", 0L);
      assertThat(footprints.of(UUID.randomUUID())).isEmpty();
    }
  }
}
