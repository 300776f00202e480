package dev.confide.incidents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEntry;
import dev.confide.audit.AuditFilter;
import dev.confide.audit.AuditLog;
import dev.confide.audit.BreakGlassGrants;
import dev.confide.audit.Grant;
import dev.confide.identity.AccessLog;
import dev.confide.identity.NewAccount;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.testing.IdentityFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import dev.confide.usage.UsageLedger;
import dev.confide.usage.UsageRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P33")
class IncidentsTest {
  @TempDir Path tmp;

  private static final String PASSWORD = "a long passphrase 42";
  private static final List<String> CATEGORIES = List.of("contact_data", "chat_content");

  /** Records what would be delivered; refuses subjects listed in {@code failFor}. */
  private static final class RecordingNotifier implements IncidentNotifier {
    final List<String> reminders = Collections.synchronizedList(new ArrayList<>());
    final List<UUID> noticed = Collections.synchronizedList(new ArrayList<>());
    final List<Notice> notices = Collections.synchronizedList(new ArrayList<>());
    final Set<UUID> failFor = Collections.synchronizedSet(new HashSet<>());

    @Override
    public void remindStaff(UUID staffId, Reminder reminder) {
      reminders.add(staffId + " " + reminder.kind() + (reminder.overdue() ? " overdue" : ""));
    }

    @Override
    public void notifySubject(UUID subjectId, Notice notice) {
      if (failFor.contains(subjectId)) {
        throw new IllegalStateException("mail relay down");
      }
      noticed.add(subjectId);
      notices.add(notice);
    }
  }

  private static final class Setup implements AutoCloseable {
    final IdentityFixture id;
    final MutableClock clock;
    final AuditLog audit;
    final BreakGlassGrants grants;
    final RecordingNotifier notifier = new RecordingNotifier();
    final Incidents incidents;
    final UUID staff;
    int accounts;

    Setup(TestBackend backend, Path tmp) throws Exception {
      clock = MutableClock.at("2026-11-02T12:00:00Z");
      id = IdentityFixture.open(backend, tmp, clock);
      var jdbi = id.crypto.database.jdbi();
      audit = new AuditLog(jdbi, id.crypto.keys.auditKeys(), clock);
      grants = new BreakGlassGrants(jdbi, id.crypto.subjectKeys, audit, clock, false);
      incidents = new Incidents(jdbi, audit, grants, id.staff, notifier, clock);
      staff = id.staff.create("Sec Lead", "sec@corp.example", PASSWORD.toCharArray(), Set.of(StaffRole.SECURITY)).id();
    }

    UUID account(boolean hipaa) {
      UUID subject = id.accounts.signUp(new NewAccount("Canary Person", "canary" + (++accounts) + "@example.com",
          PASSWORD.toCharArray(), LocalDate.of(1980, 1, 1)));
      if (hipaa) {
        id.accounts.setHipaa(subject, "BAA-2026-0042");
      }
      return subject;
    }

    Incident create(Instant awareAt, IncidentScope scope) {
      return incidents.create(new NewIncident(awareAt.minus(Duration.ofHours(1)), awareAt,
          "Backup bucket was readable without authentication", CATEGORIES, scope), staff);
    }

    @Override
    public void close() {
      id.close();
    }
  }

  private static void assertProblem(ThrowingCallable call, Problem.Kind kind, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(Problem.class, p -> {
      assertThat(p.kind()).isEqualTo(kind);
      assertThat(p.code()).isEqualTo(code);
    });
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theRegulatorDeadlineIs72HoursFromAwarenessAndTurnsOverdueUntilNotified(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      Instant aware = s.clock.instant().minus(Duration.ofHours(10));
      Incident incident = s.create(aware, null);
      assertThat(incident.regulatorDeadline()).isEqualTo(Instant.parse("2026-11-05T02:00:00Z"));
      assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
      assertThat(incident.regulatorOverdue()).isFalse();
      assertThat(incident.hipaaDeadline()).isNull();
      assertThat(incident.affectedSubjects()).isZero();

      s.clock.set(incident.regulatorDeadline());
      assertThat(s.incidents.get(incident.id()).orElseThrow().regulatorOverdue()).as("at the deadline, not yet past").isFalse();
      s.clock.advance(Duration.ofSeconds(1));
      assertThat(s.incidents.get(incident.id()).orElseThrow().regulatorOverdue()).isTrue();

      s.incidents.transition(incident.id(), IncidentStatus.CONTAINED, s.staff, "bucket made private");
      assertProblem(() -> s.incidents.transition(incident.id(), IncidentStatus.OPEN, s.staff, null),
          Problem.Kind.CONFLICT, "invalid_transition");
      assertProblem(() -> s.incidents.markRegulatorNotified(incident.id(), aware.minusSeconds(1), s.staff),
          Problem.Kind.INVALID, "invalid_notified_at");
      Incident notified = s.incidents.markRegulatorNotified(incident.id(), null, s.staff);
      assertThat(notified.status()).isEqualTo(IncidentStatus.NOTIFIED);
      assertThat(notified.regulatorNotifiedAt()).isEqualTo(s.clock.instant());
      assertThat(notified.regulatorOverdue()).isFalse();
      assertProblem(() -> s.incidents.markRegulatorNotified(incident.id(), null, s.staff), Problem.Kind.CONFLICT, "already_notified");

      Incident unreported = s.create(aware, null);
      assertProblem(() -> s.incidents.transition(unreported.id(), IncidentStatus.CLOSED, s.staff, null),
          Problem.Kind.INVALID, "close_reason_required");
      assertThat(s.incidents.transition(unreported.id(), IncidentStatus.CLOSED, s.staff, "not reportable: the copies were encrypted")
          .status()).isEqualTo(IncidentStatus.CLOSED);
      // notified, and nobody left to tell: no note needed
      s.incidents.transition(incident.id(), IncidentStatus.CLOSED, s.staff, null);
      assertProblem(() -> s.incidents.recordMeasure(incident.id(), "too late", s.staff), Problem.Kind.CONFLICT, "incident_closed");
      assertProblem(() -> s.incidents.get(UUID.randomUUID()).orElseThrow(() -> Problem.notFound("x")),
          Problem.Kind.NOT_FOUND, "not_found");

      List<AuditEntry> changes = s.audit.list(AuditFilter.newest(20).action(AuditActions.INCIDENT_CHANGED)).entries().stream()
          .filter(e -> e.targetId().equals(incident.id().toString())).toList();
      assertThat(changes).extracting(e -> e.detail().get("change"))
          .containsExactly("status", "regulator_notified", "status", "created");
      assertThat(changes).allSatisfy(e -> assertThat(e.targetId()).isEqualTo(incident.id().toString()));
      assertThat(changes.get(1).detail()).containsEntry("late", "true");
      assertThat(s.incidents.timeline(incident.id())).extracting(Incident.Event::kind)
          .containsExactly("created", "status", "regulator_notified", "status");
      assertThat(s.audit.verify().valid()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void recordingValidatesWhatStaffEnter(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      Instant now = s.clock.instant();
      assertProblem(() -> s.incidents.create(new NewIncident(null, null, "d", CATEGORIES, null), s.staff),
          Problem.Kind.INVALID, "aware_at_required");
      assertProblem(() -> s.incidents.create(new NewIncident(null, now.plusSeconds(60), "d", CATEGORIES, null), s.staff),
          Problem.Kind.INVALID, "invalid_aware_at");
      assertProblem(() -> s.incidents.create(new NewIncident(now, now.minusSeconds(60), "d", CATEGORIES, null), s.staff),
          Problem.Kind.INVALID, "invalid_detected_at");
      assertProblem(() -> s.incidents.create(new NewIncident(null, now, " ", CATEGORIES, null), s.staff),
          Problem.Kind.INVALID, "description_required");
      assertProblem(() -> s.incidents.create(new NewIncident(null, now, "x".repeat(4001), CATEGORIES, null), s.staff),
          Problem.Kind.INVALID, "description_too_long");
      assertProblem(() -> s.incidents.create(new NewIncident(null, now, "d", List.of(), null), s.staff),
          Problem.Kind.INVALID, "categories_required");
      assertProblem(() -> s.incidents.create(new NewIncident(null, now, "d", List.of("Health Records"), null), s.staff),
          Problem.Kind.INVALID, "invalid_category");
      assertProblem(() -> new IncidentScope.ActiveBetween(now, now), Problem.Kind.INVALID, "invalid_scope");
      assertProblem(() -> new IncidentScope.Subjects(List.of()), Problem.Kind.INVALID, "invalid_scope");
      assertThat(s.incidents.list(10)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aHipaaAccountInScopeAddsTheSixtyDayDeadline(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      UUID ordinary = s.account(false);
      UUID hipaa = s.account(true);
      Instant aware = s.clock.instant();
      Incident incident = s.create(aware, new IncidentScope.Subjects(List.of(ordinary)));
      assertThat(incident.hipaaDeadline()).isNull();
      assertThat(incident.hipaaSubjects()).isZero();

      Incident widened = s.incidents.widenScope(incident.id(), new IncidentScope.Subjects(List.of(ordinary, hipaa)), s.staff);
      assertThat(widened.affectedSubjects()).isEqualTo(2);
      assertThat(widened.hipaaSubjects()).isEqualTo(1);
      assertThat(widened.hipaaDeadline()).as("from discovery, an hour before awareness")
          .isEqualTo(widened.detectedAt().plus(Duration.ofDays(60))).isEqualTo(aware.minus(Duration.ofHours(1)).plus(Duration.ofDays(60)));
      Incident notified = s.incidents.transition(incident.id(), IncidentStatus.NOTIFIED, s.staff, "filed with the regulator");
      assertThat(notified.regulatorNotifiedAt()).as("moving to notified records the notification").isEqualTo(s.clock.instant());

      s.clock.advance(Duration.ofDays(60).plusSeconds(1));
      Incident late = s.incidents.get(incident.id()).orElseThrow();
      assertThat(late.regulatorOverdue()).isFalse();
      assertThat(late.hipaaOverdue()).as("the HIPAA subject has not been told").isTrue();
      s.incidents.notifyAffected(incident.id(), Map.of(), s.staff);
      assertThat(s.incidents.get(incident.id()).orElseThrow().hipaaOverdue()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void remindersReachSecurityAndPrivacyStaffOnceEachAsTheDeadlineNears(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      UUID officer = s.id.staff.create("Privacy Officer", "dpo@corp.example", PASSWORD.toCharArray(), Set.of(StaffRole.PRIVACY_OFFICER)).id();
      s.id.staff.create("Support Agent", "support@corp.example", PASSWORD.toCharArray(), Set.of(StaffRole.SUPPORT));
      Incident incident = s.create(s.clock.instant(), null);
      UUID id = incident.id();

      assertThat(s.incidents.runReminders()).isEmpty();
      s.clock.set(incident.regulatorDeadline().minus(Duration.ofHours(24)));
      assertThat(s.incidents.runReminders()).containsExactly(new Incidents.SentReminder(id, "regulator_24h", 2));
      assertThat(s.incidents.runReminders()).as("once").isEmpty();
      assertThat(s.notifier.reminders).containsExactlyInAnyOrder(s.staff + " regulator_24h", officer + " regulator_24h");

      s.clock.advance(Duration.ofHours(12));
      assertThat(s.incidents.runReminders()).extracting(Incidents.SentReminder::kind).containsExactly("regulator_12h");
      s.clock.advance(Duration.ofHours(10));
      assertThat(s.incidents.runReminders()).extracting(Incidents.SentReminder::kind).containsExactly("regulator_2h");
      s.clock.advance(Duration.ofHours(1));
      assertThat(s.incidents.runReminders()).isEmpty();
      s.clock.advance(Duration.ofHours(1).plusSeconds(1));
      assertThat(s.incidents.runReminders()).extracting(Incidents.SentReminder::kind).containsExactly("regulator_overdue");
      s.clock.advance(Duration.ofDays(1));
      assertThat(s.incidents.runReminders()).isEmpty();
      assertThat(s.notifier.reminders).hasSize(8).contains(officer + " regulator_overdue overdue");

      // An incident recorded late gets only the most urgent reminder, not the ones it skipped.
      Incident late = s.create(s.clock.instant().minus(Duration.ofHours(71)), null);
      assertThat(s.incidents.runReminders()).containsExactly(new Incidents.SentReminder(late.id(), "regulator_2h", 2));
      s.incidents.markRegulatorNotified(late.id(), null, s.staff);
      s.clock.advance(Duration.ofHours(3));
      assertThat(s.incidents.runReminders()).as("notified: the clock has stopped").isEmpty();
      assertThat(s.incidents.timeline(id)).extracting(Incident.Event::kind)
          .containsExactly("created", "reminder", "reminder", "reminder", "reminder");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void scopeQueriesFindSubjectsFromGrantsApiKeysAndActivity(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      var jdbi = s.id.crypto.database.jdbi();
      AccessLog accessLog = new AccessLog(jdbi, s.clock);
      UsageLedger usage = new UsageLedger(jdbi, s.id.crypto.blindIndex, s.clock);
      UUID readUnderGrant = s.account(false);
      UUID grantedButUnread = s.account(false);
      UUID keyOwner = s.account(false);
      UUID activeLater = s.account(false);

      Grant read = s.grants.request(s.staff, Set.of(StaffRole.SECURITY), readUnderGrant, "debugging export", "SUP-1", 10);
      s.grants.recordRead(read, "conversation", UUID.randomUUID());
      Grant unread = s.grants.request(s.staff, Set.of(StaffRole.SECURITY), grantedButUnread, "debugging export", "SUP-2", 10);
      accessLog.record(readUnderGrant, "sign_in", "198.51.100.7", "Firefox");

      s.clock.advance(Duration.ofDays(1));
      Instant windowStart = s.clock.instant();
      UUID key = s.id.apiKeys.create(keyOwner, "ci").id();
      usage.record(new UsageRecord(keyOwner, key, "api", "m", "p", 10, 20, 3, 5, 100, null, "ok", null, null, null));
      s.clock.advance(Duration.ofHours(1));
      accessLog.record(activeLater, "sign_in", "203.0.113.9", "Safari");
      usage.record(new UsageRecord(activeLater, null, "app", "m", "p", 10, 20, 3, 5, 100, null, "ok", null, null, null));
      Instant windowEnd = s.clock.instant().plusSeconds(1);

      Incident incident = s.create(s.clock.instant(), new IncidentScope.ReadUnderGrants(List.of(read.id(), unread.id())));
      assertThat(affected(s, incident)).containsExactlyInAnyOrder(readUnderGrant);

      s.incidents.widenScope(incident.id(), new IncidentScope.ApiKey(key, null, null), s.staff);
      assertThat(affected(s, incident)).containsExactlyInAnyOrder(readUnderGrant, keyOwner);

      Incident wide = s.incidents.widenScope(incident.id(), new IncidentScope.ActiveBetween(windowStart, windowEnd), s.staff);
      assertThat(affected(s, incident)).containsExactlyInAnyOrder(readUnderGrant, keyOwner, activeLater);
      assertThat(wide.affectedSubjects()).as("keyOwner was already listed").isEqualTo(3);
      assertThat(s.incidents.timeline(incident.id())).filteredOn(e -> e.kind().equals("scope")).extracting(Incident.Event::note)
          .containsExactly("content read under grant(s) " + read.id() + ", " + unread.id() + ": 1 subject(s) added",
              "data touched by API key " + key + ": 1 subject(s) added",
              "subjects active from " + windowStart + " until " + windowEnd + ": 1 subject(s) added");

      Incident narrow = s.create(s.clock.instant(), new IncidentScope.ActiveBetween(windowStart.plus(Duration.ofMinutes(30)), windowEnd));
      assertThat(affected(s, narrow)).containsExactly(activeLater);
      Incident keyInWindow = s.create(s.clock.instant(), new IncidentScope.ApiKey(key, windowEnd, null));
      assertThat(affected(s, keyInWindow)).as("the owner of a leaked key is always in scope").containsExactly(keyOwner);
    }
  }

  private static List<UUID> affected(Setup s, Incident incident) {
    return s.id.crypto.database.jdbi().withHandle(h -> h.createQuery(
            "SELECT subject_id FROM incident_subjects WHERE incident_id = :id")
        .bind("id", incident.id()).mapTo(UUID.class).list());
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void noticesGoOutOncePerAffectedSubjectAndAreTrackedOneByOne(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      UUID a = s.account(false);
      UUID b = s.account(false);
      UUID unreachable = s.account(false);
      UUID bystander = s.account(false);
      Incident incident = s.create(s.clock.instant(), new IncidentScope.Subjects(List.of(a, b, unreachable)));
      s.notifier.failFor.add(unreachable);
      Map<String, String> params = Map.of("what_happened", "A backup was exposed.", "contact", "privacy@corp.example");

      assertProblem(() -> s.incidents.notifyAffected(incident.id(), Map.of("Bad Key", "x"), s.staff),
          Problem.Kind.INVALID, "invalid_template_params");
      Incidents.NoticeRun first = s.incidents.notifyAffected(incident.id(), params, s.staff);
      assertThat(first).isEqualTo(new Incidents.NoticeRun(2, 1, 1));
      assertThat(s.notifier.noticed).containsExactlyInAnyOrder(a, b);
      IncidentNotifier.Notice notice = s.notifier.notices.get(0);
      assertThat(notice).isEqualTo(new IncidentNotifier.Notice(incident.id(), Incidents.NOTICE_TEMPLATE, incident.awareAt(),
          CATEGORIES, params));
      assertThat(s.incidents.noticeStatus(incident.id(), a)).hasValue("sent");
      assertThat(s.incidents.noticeStatus(incident.id(), unreachable)).hasValue("pending");
      assertThat(s.incidents.noticeStatus(incident.id(), bystander)).isEmpty();

      s.notifier.failFor.clear();
      assertThat(s.incidents.notifyAffected(incident.id(), params, s.staff)).isEqualTo(new Incidents.NoticeRun(1, 0, 0));
      assertThat(s.notifier.noticed).containsExactlyInAnyOrder(a, b, unreachable);
      Incident after = s.incidents.get(incident.id()).orElseThrow();
      assertThat(after.noticesSent()).isEqualTo(3);
      assertThat(after.noticesPending()).isZero();
      assertThat(s.audit.list(AuditFilter.newest(5).action(AuditActions.INCIDENT_CHANGED)).entries().get(0).detail())
          .containsEntry("change", "notices").containsEntry("sent", "1").containsEntry("failed", "0");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theRegulatorReportHasFactsCountsMeasuresDeadlinesAndTimelineButNoSubjects(TestBackend backend) throws Exception {
    try (Setup s = new Setup(backend, tmp)) {
      UUID a = s.account(false);
      UUID b = s.account(true);
      Incident incident = s.create(s.clock.instant(), new IncidentScope.Subjects(List.of(a, b)));
      s.incidents.recordMeasure(incident.id(), "Bucket policy set to private;\naccess keys rotated", s.staff);
      s.incidents.transition(incident.id(), IncidentStatus.CONTAINED, s.staff, null);
      s.clock.advance(Duration.ofHours(80));

      String report = s.incidents.regulatorReport(incident.id());
      assertThat(report)
          .startsWith("# Personal data breach report")
          .contains("- Incident: `" + incident.id() + "`")
          .contains("- Status: contained")
          .contains("- Became aware: 2026-11-02T12:00:00Z")
          .contains("> Backup bucket was readable without authentication")
          .contains("- contact_data\n- chat_content\n")
          .contains("- Number of affected data subjects: 2\n- Of which HIPAA accounts: 1")
          .contains("- Notices sent: 0, pending: 2")
          .contains("  - explicit list of 2 subject(s): 2 subject(s) added")
          .contains("- 2026-11-02T12:00:00Z: Bucket policy set to private; access keys rotated")
          .contains("Supervisory authority (72 hours from awareness): 2026-11-05T12:00:00Z — **OVERDUE**, not yet notified")
          .contains("- HIPAA (60 days from discovery): 2027-01-01T11:00:00Z")
          .contains("## Timeline")
          .contains("— status: open -> contained");
      assertThat(report).doesNotContain(a.toString()).doesNotContain(b.toString()).doesNotContain("@example.com")
          .doesNotContain("Canary");
    }
  }
}
