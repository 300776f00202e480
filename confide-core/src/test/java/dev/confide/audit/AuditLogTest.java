package dev.confide.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.crypto.Keyring;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P22")
class AuditLogTest {
  @TempDir Path tmp;

  private static final UUID STAFF = UUID.fromString("00000000-0000-4000-8000-00000000000a");
  private static final UUID SUBJECT = UUID.fromString("00000000-0000-4000-8000-00000000000b");

  private static AuditLog auditLog(CryptoFixture f) {
    return new AuditLog(f.database.jdbi(), f.keys.auditKeys(), f.clock);
  }

  private static CryptoFixture open(TestBackend backend, Path tmp) throws Exception {
    return CryptoFixture.open(backend, tmp, MutableClock.at("2026-11-01T10:00:00Z"));
  }

  /** Five entries of different kinds, a second apart. */
  private static void appendFive(AuditLog log, MutableClock clock) {
    for (int i = 1; i <= 5; i++) {
      log.append(AuditEvent.of(Actor.staff(STAFF), AuditActions.CONTENT_READ).about(SUBJECT)
          .on("message", UUID.randomUUID()).with("n", i).with("kind", "assistant"));
      clock.advance(Duration.ofSeconds(1));
    }
  }

  private static void sql(CryptoFixture f, String... statements) {
    Jdbi jdbi = f.database.jdbi();
    jdbi.useTransaction(h -> {
      for (String s : statements) {
        h.execute(s);
      }
    });
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void entriesFormOneVerifiableChainAndAreListedByFilter(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      assertThat(log.verify()).isEqualTo(new AuditVerification(true, 0, null, null));
      assertThat(log.head().seq()).isZero();

      AuditEntry first = log.append(AuditEvent.of(Actor.staff(STAFF), AuditActions.STAFF_LOGIN));
      f.clock.advance(Duration.ofMinutes(1));
      AuditEntry second = log.append(AuditEvent.of(Actor.subject(SUBJECT), AuditActions.REQUEST_TRANSITION).about(SUBJECT)
          .on("privacy_request", UUID.randomUUID()).with("status", "completed").with("extended", false));
      f.clock.advance(Duration.ofMinutes(1));
      AuditEntry third = log.append(AuditEvent.of(Actor.system(), AuditActions.ERASURE).about(SUBJECT).with("rows", 12L));

      assertThat(List.of(first.seq(), second.seq(), third.seq())).containsExactly(1L, 2L, 3L);
      assertThat(first.prevMac()).isEmpty();
      assertThat(second.prevMac()).isEqualTo(first.mac());
      assertThat(third.prevMac()).isEqualTo(second.mac());
      assertThat(log.head()).isEqualTo(new AuditHead(3, third.mac(), third.at()));
      assertThat(log.verify(2)).as("batches of two cross entry boundaries").isEqualTo(new AuditVerification(true, 3, null, null));

      AuditFilter.Page aboutSubject = log.list(AuditFilter.newest(10).about(SUBJECT));
      assertThat(aboutSubject.entries()).extracting(AuditEntry::seq).containsExactly(3L, 2L);
      assertThat(aboutSubject.entries().get(1).detail()).containsEntry("status", "completed").containsEntry("extended", "false");
      assertThat(aboutSubject.entries().get(1).actor()).isEqualTo(Actor.subject(SUBJECT));
      assertThat(aboutSubject.entries().get(0).actor()).isEqualTo(Actor.system());
      assertThat(log.list(AuditFilter.newest(10).byActor(STAFF)).entries()).extracting(AuditEntry::action)
          .containsExactly(AuditActions.STAFF_LOGIN);
      assertThat(log.list(AuditFilter.newest(10).action(AuditActions.ERASURE)).entries()).extracting(AuditEntry::seq)
          .containsExactly(3L);
      assertThat(log.list(AuditFilter.newest(10).between(first.at().plusSeconds(1), third.at())).entries())
          .extracting(AuditEntry::seq).containsExactly(2L);

      AuditFilter.Page page1 = log.list(AuditFilter.newest(2));
      assertThat(page1.entries()).extracting(AuditEntry::seq).containsExactly(3L, 2L);
      AuditFilter.Page page2 = log.list(AuditFilter.newest(2).before(page1.nextBeforeSeq()));
      assertThat(page2.entries()).extracting(AuditEntry::seq).containsExactly(1L);
      assertThat(page2.nextBeforeSeq()).isNull();
      assertThat(page2.entries().get(0)).isEqualTo(first);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anEditedEntryIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      sql(f, "UPDATE audit_entries SET detail = 'kind=user,n=3' WHERE seq = 3");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 2, 3L, "mac_mismatch"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anEditedActorOrTimeIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      sql(f, "UPDATE audit_entries SET actor_id = NULL, actor_kind = 'system' WHERE seq = 2");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 1, 2L, "mac_mismatch"));
      sql(f, "UPDATE audit_entries SET actor_id = '" + STAFF + "', actor_kind = 'staff' WHERE seq = 2");
      assertThat(log.verify().valid()).as("restored").isTrue();
      sql(f, "UPDATE audit_entries SET occurred_at = occurred_at + INTERVAL '1' HOUR WHERE seq = 4");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 3, 4L, "mac_mismatch"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aDeletedEntryIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      sql(f, "DELETE FROM audit_entries WHERE seq = 2");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 1, 2L, "missing_entry"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aDeletedEntryWithTheRestRenumberedIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      sql(f, "DELETE FROM audit_entries WHERE seq = 2",
          "UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 2",
          "UPDATE audit_entries SET seq = seq - 1001 WHERE seq > 1000",
          "UPDATE audit_head SET last_seq = 4");
      AuditVerification result = log.verify();
      assertThat(result.valid()).isFalse();
      assertThat(result.firstBadSeq()).isEqualTo(2L);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anInsertedEntryIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      // Make room at 3 and put a copy of entry 2, chained to it, in the gap.
      sql(f, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 3",
          "UPDATE audit_entries SET seq = seq - 999 WHERE seq > 1000",
          """
          INSERT INTO audit_entries (seq, occurred_at, actor_kind, actor_id, action, subject_id, target_kind, target_id,
                                     detail, prev_mac, mac)
          SELECT 3, occurred_at, actor_kind, actor_id, action, subject_id, target_kind, target_id, detail, mac, mac
          FROM audit_entries WHERE seq = 2""",
          "UPDATE audit_head SET last_seq = 6");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 2, 3L, "mac_mismatch"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void reorderedEntriesAreDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      sql(f, "UPDATE audit_entries SET seq = -1 WHERE seq = 3",
          "UPDATE audit_entries SET seq = 3 WHERE seq = 4",
          "UPDATE audit_entries SET seq = 4 WHERE seq = -1");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 2, 3L, "chain_broken"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aCutOffTailIsDetectedByTheHeadRowOrAnExportedHead(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      AuditHead exported = log.head();
      assertThat(exported.seq()).isEqualTo(5);
      assertThat(log.verifyAgainst(exported)).isEqualTo(new AuditVerification(true, 5, null, null));

      sql(f, "DELETE FROM audit_entries WHERE seq >= 4");
      assertThat(log.verify()).as("the head row still says 5").isEqualTo(new AuditVerification(false, 3, 4L, "missing_entry"));

      // A careful intruder also rewinds the head row: the chain alone looks whole, the exported head does not.
      sql(f, "UPDATE audit_head SET last_seq = 3, last_mac = (SELECT mac FROM audit_entries WHERE seq = 3)");
      assertThat(log.verify()).isEqualTo(new AuditVerification(true, 3, null, null));
      assertThat(log.verifyAgainst(exported)).isEqualTo(new AuditVerification(false, 3, 5L, "truncated"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anEntryAppendedBehindTheHeadsBackIsDetected(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      AuditHead exported = log.head();
      sql(f, """
          INSERT INTO audit_entries (seq, occurred_at, actor_kind, actor_id, action, subject_id, target_kind, target_id,
                                     detail, prev_mac, mac)
          SELECT 6, occurred_at, actor_kind, actor_id, action, subject_id, target_kind, target_id, detail, mac, mac
          FROM audit_entries WHERE seq = 5""");
      assertThat(log.verify()).isEqualTo(new AuditVerification(false, 5, 6L, "mac_mismatch"));
      assertThat(log.verifyAgainst(exported).valid()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void concurrentAppendsFromEightThreadsFormOneChain(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          tasks.add(() -> {
            for (int i = 0; i < 25; i++) {
              log.append(AuditEvent.of(Actor.system(), AuditActions.KEY_ROTATED).with("thread", thread).with("i", i));
            }
            return thread;
          });
        }
        for (Future<Integer> done : pool.invokeAll(tasks)) {
          done.get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(log.verify(64)).isEqualTo(new AuditVerification(true, 200, null, null));
      assertThat(log.head().seq()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anEntryCommitsOrRollsBackWithTheCallersTransaction(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      log.append(AuditEvent.of(Actor.system(), AuditActions.POLICY_PUBLISHED));
      assertThatThrownBy(() -> f.database.jdbi().useTransaction(h -> {
        log.append(h, AuditEvent.of(Actor.staff(STAFF), AuditActions.DISCLOSURE_RECORDED).about(SUBJECT));
        throw new IllegalStateException("the audited action failed");
      })).hasMessage("the audited action failed");
      assertThat(log.head().seq()).isEqualTo(1);
      AuditEntry next = f.database.jdbi().inTransaction(h -> log.append(h, AuditEvent.of(Actor.staff(STAFF), AuditActions.STAFF_LOGIN)));
      assertThat(next.seq()).as("no gap left by the rolled-back entry").isEqualTo(2);
      assertThat(log.verify()).isEqualTo(new AuditVerification(true, 2, null, null));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void entriesMacedWithAnOlderAuditKeyStillVerifyAndAuditKeysAreNeverDestroyed(TestBackend backend) throws Exception {
    try (CryptoFixture f = open(backend, tmp)) {
      AuditLog log = auditLog(f);
      appendFive(log, f.clock);
      AuditEntry rotated = log.rotateKey(Actor.staff(STAFF));
      assertThat(rotated.detail()).containsEntry("key_id", Long.toString(f.keys.auditKeys().primaryKeyId()));
      log.append(AuditEvent.of(Actor.system(), AuditActions.STAFF_LOGIN));
      try (CryptoFixture other = f.reopen()) {
        assertThat(auditLog(other).verify()).as("another instance verifies both keys' entries")
            .isEqualTo(new AuditVerification(true, 7, null, null));
      }
      assertThatThrownBy(() -> f.keys.auditKeys().destroy(v -> true)).hasMessageContaining("keeps every key version");
      assertThat(f.keys.auditKeys().liveKeys()).hasSize(2);
      assertThat(f.keys.auditKeys().name()).isEqualTo(Keyring.AUDIT);
    }
  }

  @Tag("P21")
  @Test
  void detailsAndTargetsRefusePersonalValuesWithoutEchoingThem() {
    AuditEvent base = AuditEvent.of(Actor.staff(STAFF), AuditActions.CONTENT_READ);
    AuditEvent ok = base.with("grant", UUID.fromString("123e4567-e89b-42d3-a456-426614174000")).with("count", 3)
        .with("big", 9_000_000_000L).with("flag", true).with("role", dev.confide.identity.StaffRole.PRIVACY_OFFICER)
        .with("kind", "api_key:v1.2-x").with("until", Instant.parse("2026-11-01T10:00:00Z"))
        .on("conversation", UUID.fromString("123e4567-e89b-42d3-a456-426614174001"));
    assertThat(ok.canonicalDetail()).isEqualTo("big=9000000000,count=3,flag=true,grant=123e4567-e89b-42d3-a456-426614174000,"
        + "kind=api_key:v1.2-x,role=privacy_officer,until=2026-11-01T10:00:00Z");

    List<Object> personal = List.of("zelda.canary@example.com", "Zelda", "zelda canary", "hello, can you help me with my tax return",
        "+1 415 555 0100", "4155550100", "192.168.1.20", "123-45-6789", "", "a".repeat(65), 3.14,
        LocalDate.of(1990, 5, 17), new byte[] {1}, new Object());
    for (Object value : personal) {
      assertThatThrownBy(() -> base.with("note", value)).as("%s", value)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> {
            if (!String.valueOf(value).isEmpty()) {
              assertThat(e.getMessage()).doesNotContain(String.valueOf(value));
            }
          });
    }
    assertThatThrownBy(() -> base.on("message", "Zelda Canary")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.with("Note", 1)).as("keys are lower-case names").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditEvent.of(Actor.system(), "Read Zelda's chat")).isInstanceOf(IllegalArgumentException.class);
    // The canonical constructor is held to the same rules as the builder.
    assertThatThrownBy(() -> new AuditEvent(Actor.system(), "content.read", null, null, null,
        new java.util.TreeMap<>(java.util.Map.of("email", "zelda@example.com")))).isInstanceOf(IllegalArgumentException.class);
    AuditEvent full = base;
    for (int i = 0; i < 16; i++) {
      full = full.with("k" + i, i);
    }
    AuditEvent sixteen = full;
    assertThatThrownBy(() -> sixteen.with("k16", 16)).isInstanceOf(IllegalArgumentException.class);
  }
}
