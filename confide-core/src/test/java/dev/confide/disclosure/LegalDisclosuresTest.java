package dev.confide.disclosure;

import static dev.confide.disclosure.DisclosureGateTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.disclosure.LegalDisclosures.LegalHold;
import dev.confide.disclosure.LegalDisclosures.NewDisclosure;
import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P16")
class LegalDisclosuresTest {
  @TempDir Path tmp;

  private static final UUID STAFF = UUID.randomUUID();

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aLegalHoldHidesTheDisclosureFromItsSubjectsUntilItEnds(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      LegalDisclosures disclosures = new LegalDisclosures(f.jdbi, f.clock);
      UUID ada = UUID.randomUUID();
      UUID bob = UUID.randomUUID();
      Instant now = f.clock.instant();
      LegalDisclosures.Disclosure held = disclosures.record(new NewDisclosure("  District Court of Springfield ",
          "Subpoena 2026-1142 under 18 U.S.C. 2703(d)", List.of("account", "usage", "account"), List.of(ada, bob),
          now.minus(Duration.ofDays(2)), new LegalHold(now.plus(Duration.ofDays(30)), "non-disclosure order 2026-77")), STAFF);
      f.clock.advance(Duration.ofHours(1));
      LegalDisclosures.Disclosure open = disclosures.record(new NewDisclosure("Tax authority", "Statutory request",
          List.of("billing"), List.of(bob), null, null), STAFF);

      assertThat(held.authority()).isEqualTo("District Court of Springfield");
      assertThat(held.categories()).containsExactly("account", "usage");
      assertThat(disclosures.forSubject(ada)).isEmpty();
      assertThat(disclosures.forSubject(bob)).extracting(LegalDisclosures.SubjectView::id).containsExactly(open.id());
      assertThat(disclosures.list(10)).extracting(LegalDisclosures.Disclosure::id).containsExactly(open.id(), held.id());
      assertThat(disclosures.get(held.id())).isEqualTo(held);

      f.clock.advance(Duration.ofDays(30)); // the hold has ended
      assertThat(disclosures.forSubject(ada)).containsExactly(new LegalDisclosures.SubjectView(held.id(),
          "District Court of Springfield", "Subpoena 2026-1142 under 18 U.S.C. 2703(d)", List.of("account", "usage"),
          now.minus(Duration.ofDays(2))));
      assertThat(disclosures.forSubject(bob)).extracting(LegalDisclosures.SubjectView::id).containsExactly(held.id(), open.id());
      assertThat(disclosures.forSubject(UUID.randomUUID())).isEmpty();

      disclosures.setHold(open.id(), new LegalHold(f.clock.instant().plus(Duration.ofDays(1)), "gag order extended"));
      assertThat(disclosures.forSubject(bob)).extracting(LegalDisclosures.SubjectView::id).containsExactly(held.id());
      disclosures.setHold(open.id(), null);
      assertThat(disclosures.forSubject(bob)).hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void fieldsAreCappedAndHoldsMustLieAhead(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "US")) {
      LegalDisclosures disclosures = new LegalDisclosures(f.jdbi, f.clock);
      List<UUID> one = List.of(UUID.randomUUID());
      Instant now = f.clock.instant();
      refused(() -> disclosures.record(new NewDisclosure("x".repeat(301), "basis", List.of("account"), one, null, null), STAFF),
          Problem.Kind.INVALID, "invalid_authority", "1 to 300");
      refused(() -> disclosures.record(new NewDisclosure("court", " ", List.of("account"), one, null, null), STAFF),
          Problem.Kind.INVALID, "invalid_legalBasis", "legalBasis");
      refused(() -> disclosures.record(new NewDisclosure("court", "basis", List.of("Account Data"), one, null, null), STAFF),
          Problem.Kind.INVALID, "invalid_categories", "lower-case");
      refused(() -> disclosures.record(new NewDisclosure("court", "basis", List.of("account"), List.of(), null, null), STAFF),
          Problem.Kind.INVALID, "invalid_subjects", "subjects");
      refused(() -> disclosures.record(new NewDisclosure("court", "basis", List.of("account"), one, now.plusSeconds(60), null),
          STAFF), Problem.Kind.INVALID, "invalid_disclosedAt", "future");
      refused(() -> disclosures.record(new NewDisclosure("court", "basis", List.of("account"), one, null,
          new LegalHold(now, "order")), STAFF), Problem.Kind.INVALID, "invalid_hold", "in the future");
      refused(() -> disclosures.setHold(UUID.randomUUID(), null), Problem.Kind.NOT_FOUND, "not_found", "no such disclosure");
      assertThat(disclosures.list(10)).isEmpty();
    }
  }
}
