package dev.confide.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P21")
class BreakGlassGrantsTest {
  @TempDir Path tmp;

  private static final Set<StaffRole> SUPPORT = Set.of(StaffRole.SUPPORT);
  private static final Set<StaffRole> OFFICER = Set.of(StaffRole.PRIVACY_OFFICER);
  private static final String REASON = "Zelda Canary reports her chat export shows garbled text";

  private final UUID staff = UUID.randomUUID();
  private final UUID officer = UUID.randomUUID();

  private record Setup(CryptoFixture f, AuditLog audit, BreakGlassGrants grants, UUID subject) implements AutoCloseable {
    @Override
    public void close() {
      f.close();
    }
  }

  private Setup setup(TestBackend backend, boolean requireApproval) throws Exception {
    CryptoFixture f = CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"));
    AuditLog audit = new AuditLog(f.database.jdbi(), f.keys.auditKeys(), f.clock);
    UUID subject = UUID.randomUUID();
    f.database.jdbi().useTransaction(h -> f.subjectKeys.create(h, subject));
    return new Setup(f, audit, new BreakGlassGrants(f.database.jdbi(), f.subjectKeys, audit, f.clock, requireApproval), subject);
  }

  private static void assertProblem(ThrowingCallable call, Problem.Kind kind, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(Problem.class, p -> {
      assertThat(p.kind()).isEqualTo(kind);
      assertThat(p.code()).isEqualTo(code);
    });
  }

  private static List<String> actionsAbout(AuditLog audit, UUID subject) {
    return audit.list(AuditFilter.newest(50).about(subject)).entries().stream()
        .sorted(java.util.Comparator.comparingLong(AuditEntry::seq)).map(AuditEntry::action).toList();
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aRequestNeedsOneSubjectAReasonATicketAndAtMostAnHour(TestBackend backend) throws Exception {
    try (Setup s = setup(backend, false)) {
      BreakGlassGrants g = s.grants();
      assertProblem(() -> g.request(staff, Set.of(), s.subject(), REASON, "SUP-1", 10), Problem.Kind.FORBIDDEN, "not_staff");
      assertProblem(() -> g.request(staff, SUPPORT, null, REASON, "SUP-1", 10), Problem.Kind.INVALID, "subject_required");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), "  ", "SUP-1", 10), Problem.Kind.INVALID, "reason_required");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), "x".repeat(501), "SUP-1", 10), Problem.Kind.INVALID, "reason_too_long");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), REASON, null, 10), Problem.Kind.INVALID, "ticket_required");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), REASON, "see my notes", 10), Problem.Kind.INVALID, "invalid_ticket");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), REASON, "SUP-1", 0), Problem.Kind.INVALID, "invalid_minutes");
      assertProblem(() -> g.request(staff, SUPPORT, s.subject(), REASON, "SUP-1", 61), Problem.Kind.INVALID, "invalid_minutes");
      assertProblem(() -> g.request(staff, SUPPORT, UUID.randomUUID(), REASON, "SUP-1", 10), Problem.Kind.NOT_FOUND, "unknown_subject");
      assertThat(g.list(10)).isEmpty();
      assertThat(s.audit().head().seq()).as("nothing refused is audited as a grant").isZero();

      Grant grant = g.request(staff, SUPPORT, s.subject(), REASON, "SUP-1", 60);
      assertThat(grant.status()).isEqualTo(Grant.Status.ACTIVE);
      assertThat(grant.expiresAt()).isEqualTo(grant.openedAt().plus(Duration.ofHours(1)));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aGrantOpensContentForItsMinutesOnlyAndEveryReadIsAudited(TestBackend backend) throws Exception {
    try (Setup s = setup(backend, false)) {
      BreakGlassGrants g = s.grants();
      UUID other = UUID.randomUUID();
      s.f().database.jdbi().useTransaction(h -> s.f().subjectKeys.create(h, other));
      Grant grant = g.request(staff, SUPPORT, s.subject(), REASON, "SUP-1042", 15);
      assertThat(grant.isLive()).isTrue();
      assertThat(grant.reason()).isEqualTo(REASON);
      assertThat(g.requireLive(staff, s.subject())).isEqualTo(grant);

      // The grant covers one subject and one staff member.
      assertProblem(() -> g.requireLive(staff, other), Problem.Kind.FORBIDDEN, "no_grant");
      assertProblem(() -> g.requireLive(officer, s.subject()), Problem.Kind.FORBIDDEN, "no_grant");
      String unknown = messageOf(() -> g.requireLive(staff, UUID.randomUUID()));
      assertThat(messageOf(() -> g.requireLive(staff, other))).as("no hint whether the subject exists").isEqualTo(unknown);

      UUID message1 = UUID.randomUUID();
      UUID message2 = UUID.randomUUID();
      AuditEntry read = g.recordRead(grant, "message", message1);
      s.f().database.jdbi().useTransaction(h -> g.recordRead(h, grant, "message", message2));
      assertThat(read.action()).isEqualTo(AuditActions.CONTENT_READ);
      assertThat(read.actor()).isEqualTo(Actor.staff(staff));
      assertThat(read.subject()).isEqualTo(s.subject());
      assertThat(read.detail()).containsEntry("grant", grant.id().toString());
      assertThat(s.audit().list(AuditFilter.newest(10).action(AuditActions.CONTENT_READ)).entries())
          .extracting(AuditEntry::targetId).containsExactly(message2.toString(), message1.toString());
      assertThat(g.subjectsReadUnder(List.of(grant.id()))).containsExactly(s.subject());

      s.f().clock.advance(Duration.ofMinutes(14));
      assertThat(g.requireLive(staff, s.subject()).id()).isEqualTo(grant.id());
      s.f().clock.advance(Duration.ofMinutes(1));
      assertProblem(() -> g.requireLive(staff, s.subject()), Problem.Kind.FORBIDDEN, "no_grant");
      assertProblem(() -> g.recordRead(grant, "message", message1), Problem.Kind.FORBIDDEN, "no_grant");
      assertThat(g.get(grant.id()).orElseThrow().status()).isEqualTo(Grant.Status.EXPIRED);

      assertThat(g.expireDue()).isEqualTo(1);
      assertThat(g.expireDue()).isZero();
      assertThat(actionsAbout(s.audit(), s.subject())).containsExactly(AuditActions.GRANT_OPENED,
          AuditActions.CONTENT_READ, AuditActions.CONTENT_READ, AuditActions.GRANT_EXPIRED);
      assertThat(s.audit().verify().valid()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void withApprovalRequiredAnotherPrivacyOfficerMustApproveAndTheHourStartsThen(TestBackend backend) throws Exception {
    try (Setup s = setup(backend, true)) {
      BreakGlassGrants g = s.grants();
      Grant pending = g.request(staff, Set.of(StaffRole.PRIVACY_OFFICER, StaffRole.SUPPORT), s.subject(), REASON, "SUP-7", 30);
      assertThat(pending.status()).isEqualTo(Grant.Status.PENDING);
      assertThat(pending.expiresAt()).isNull();
      assertProblem(() -> g.requireLive(staff, s.subject()), Problem.Kind.FORBIDDEN, "no_grant");

      assertProblem(() -> g.approve(pending.id(), UUID.randomUUID(), Set.of(StaffRole.ADMIN, StaffRole.SECURITY)),
          Problem.Kind.FORBIDDEN, "not_privacy_officer");
      assertProblem(() -> g.approve(pending.id(), staff, OFFICER), Problem.Kind.FORBIDDEN, "self_approval");

      s.f().clock.advance(Duration.ofHours(2));
      Grant approved = g.approve(pending.id(), officer, OFFICER);
      assertThat(approved.status()).isEqualTo(Grant.Status.ACTIVE);
      assertThat(approved.decidedBy()).isEqualTo(officer);
      assertThat(approved.openedAt()).isEqualTo(s.f().clock.instant());
      assertThat(approved.expiresAt()).isEqualTo(s.f().clock.instant().plus(Duration.ofMinutes(30)));
      assertThat(g.requireLive(staff, s.subject()).id()).isEqualTo(pending.id());
      assertProblem(() -> g.approve(pending.id(), officer, OFFICER), Problem.Kind.CONFLICT, "not_pending");

      Grant denied = g.request(staff, SUPPORT, s.subject(), REASON, "SUP-8", 10);
      assertThat(g.deny(denied.id(), officer, OFFICER).status()).isEqualTo(Grant.Status.DENIED);

      assertProblem(() -> g.revoke(approved.id(), UUID.randomUUID(), SUPPORT), Problem.Kind.FORBIDDEN, "not_allowed");
      assertThat(g.revoke(approved.id(), officer, OFFICER).status()).isEqualTo(Grant.Status.REVOKED);
      assertProblem(() -> g.requireLive(staff, s.subject()), Problem.Kind.FORBIDDEN, "no_grant");
      assertProblem(() -> g.revoke(approved.id(), staff, SUPPORT), Problem.Kind.CONFLICT, "not_open");

      assertThat(actionsAbout(s.audit(), s.subject())).containsExactly(AuditActions.GRANT_REQUESTED,
          AuditActions.GRANT_APPROVED, AuditActions.GRANT_REQUESTED, AuditActions.GRANT_DENIED, AuditActions.GRANT_REVOKED);
      assertThat(s.audit().list(AuditFilter.newest(50).action(AuditActions.GRANT_APPROVED)).entries().get(0).actor())
          .isEqualTo(Actor.staff(officer));
      assertThat(g.list(10)).extracting(Grant::status).containsExactlyInAnyOrder(Grant.Status.REVOKED, Grant.Status.DENIED);
      assertThat(s.audit().verify().valid()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theReasonIsSealedWithTheSubjectsKeyAndDiesWithIt(TestBackend backend) throws Exception {
    try (Setup s = setup(backend, false)) {
      Grant grant = s.grants().request(staff, SUPPORT, s.subject(), REASON, "SUP-9", 5);
      byte[] stored = s.f().database.jdbi().withHandle(h -> h.createQuery(
          "SELECT reason_sealed FROM break_glass_grants WHERE id = :id").bind("id", grant.id()).mapTo(byte[].class).one());
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Zelda").doesNotContain("garbled");
      String everyAuditColumn = s.f().database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM audit_entries")
          .mapToMap().list().toString());
      assertThat(everyAuditColumn).doesNotContain("Zelda").doesNotContain("garbled").doesNotContain("SUP-9");

      s.f().database.jdbi().useTransaction(h -> s.f().subjectKeys.destroy(h, s.subject()));
      Grant afterErasure = s.grants().get(grant.id()).orElseThrow();
      assertThat(afterErasure.reason()).isNull();
      assertThat(afterErasure.ticket()).isEqualTo("SUP-9");
    }
  }

  private static String messageOf(ThrowingCallable call) {
    try {
      call.call();
    } catch (Throwable t) {
      return t.getMessage();
    }
    throw new AssertionError("expected a refusal");
  }
}
