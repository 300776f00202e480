package dev.confide.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P35")
class PolicyVersionsTest {
  @TempDir Path tmp;

  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final UUID OFFICER = UUID.fromString("00000000-0000-4000-8000-00000000000a");

  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aSignificantVersionPutsANoticeBeforeEveryAccountAndMailsEveryAccountWhateverTheirPreferences(TestBackend backend)
      throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      List<UUID> accounts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        accounts.add(f.account("Person " + i, "person" + i + "@example.com"));
      }
      f.settings.change(accounts.get(0), new SubjectSettings.Change(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of("marketing", true),
          Map.of("marketing", false, "productUpdates", false, "tips", false)), "app", "v1");
      f.clock.advance(Duration.ofDays(1));

      // A batch of two: five accounts take three batches.
      PolicyVersions.PolicyVersion published = f.policyVersions(2)
          .publish("2026-12", "We now name our hosting provider.", true, SHA.toUpperCase(), OFFICER);

      assertThat(published.significant()).isTrue();
      assertThat(published.contentSha256()).isEqualTo(SHA);
      assertThat(published.announcedAt()).isEqualTo(f.clock.instant());
      for (UUID account : accounts) {
        assertThat(f.notices.pendingAck(account)).isEqualTo(1);
        assertThat(f.notices.list(account)).singleElement().satisfies(n -> {
          assertThat(n.kind()).isEqualTo(NoticeKind.POLICY_UPDATE);
          assertThat(n.requiresAck()).isTrue();
          assertThat(n.title()).contains("2026-12");
          assertThat(n.body()).isEqualTo("We now name our hosting provider.");
        });
        assertThat(f.outbox.history(account)).singleElement().satisfies(m -> {
          assertThat(m.kind()).isEqualTo(MailKind.LEGAL);
          assertThat(m.template()).isEqualTo("policy_update");
          assertThat(m.status()).isEqualTo(MailStatus.PENDING);
        });
      }

      while (f.dispatcher(smtp.transport()).runOnce().claimed() > 0) {
        // drain
      }
      MimeMessage[] received = smtp.received();
      assertThat(Arrays.stream(received).map(SmtpMailTest::recipient).collect(Collectors.toList()))
          .containsExactlyInAnyOrder("person0@example.com", "person1@example.com", "person2@example.com",
              "person3@example.com", "person4@example.com");
      for (MimeMessage m : received) {
        assertThat(m.getSubject()).isEqualTo("Our privacy policy has changed (version 2026-12)");
        assertThat(SmtpMailTest.body(m)).contains("We now name our hosting provider.")
            .contains("https://service.example/privacy").contains("on 2026-11-03.");
      }

      UUID notice = f.notices.list(accounts.get(3)).get(0).id();
      f.notices.acknowledge(accounts.get(3), notice);
      assertThat(f.notices.pendingAck(accounts.get(3))).isZero();
      assertThat(f.notices.pendingAck(accounts.get(4))).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void versionsAreUniqueAndAMinorOneIsRecordedWithoutAnnouncement(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      UUID account = f.account("Minnie Minor", "minnie@example.com");
      PolicyVersions versions = f.policyVersions(PolicyVersions.DEFAULT_BATCH);
      assertThat(versions.current()).isEmpty();

      versions.publish("1.0", "First version.", true, SHA, OFFICER);
      f.clock.advance(Duration.ofDays(30));
      PolicyVersions.PolicyVersion minor = versions.publish("1.0.1", "Typo fixed.", false, SHA, OFFICER);

      assertThat(minor.announcedAt()).isEqualTo(minor.publishedAt());
      assertThat(f.notices.list(account)).hasSize(1);
      assertThat(f.outbox.history(account)).hasSize(1);
      assertThat(versions.current()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo("1.0.1"));
      assertThat(versions.history()).extracting(PolicyVersions.PolicyVersion::version).containsExactly("1.0.1", "1.0");
      assertThat(versions.history().get(1).publishedBy()).isEqualTo(OFFICER);

      assertThatThrownBy(() -> versions.publish("1.0", "Again.", true, SHA, OFFICER))
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.kind()).isEqualTo(Problem.Kind.CONFLICT);
            assertThat(p.code()).isEqualTo("policy_version_exists");
          });
      assertThat(f.notices.list(account)).as("a refused duplicate announces nothing").hasSize(1);
      assertThatThrownBy(() -> versions.publish("2.0", "Bad hash.", false, "abc", OFFICER))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_content_sha256"));
      assertThatThrownBy(() -> versions.publish("two words", "Bad name.", false, SHA, OFFICER))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_version"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anInterruptedAnnouncementResumesWhereItStoppedWithoutRepeatingItself(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      for (int i = 0; i < 5; i++) {
        f.account("Person " + i, "person" + i + "@example.com");
      }
      PolicyVersions versions = f.policyVersions(2);
      versions.publish("3.0", "Big change.", true, SHA, OFFICER);
      // Put the database back to how a crash after the first batch leaves it.
      List<UUID> ordered = f.jdbi.withHandle(h -> f.recipients.accountsAfter(h, null, 10));
      List<UUID> unreached = ordered.subList(2, 5);
      f.jdbi.useTransaction(h -> {
        h.createUpdate("UPDATE policy_versions SET announced_through = :t, announced_at = NULL")
            .bind("t", ordered.get(1)).execute();
        for (UUID s : unreached) {
          h.createUpdate("DELETE FROM notices WHERE subject_id = :s").bind("s", s).execute();
          h.createUpdate("DELETE FROM mail_outbox WHERE subject_id = :s").bind("s", s).execute();
        }
      });
      assertThat(versions.current().orElseThrow().announcedAt()).isNull();

      assertThat(versions.resumeAnnouncements()).isEqualTo(1);

      for (UUID s : ordered) {
        assertThat(f.notices.list(s)).as("one notice each").hasSize(1);
        assertThat(f.outbox.history(s)).as("one mail each").hasSize(1);
      }
      assertThat(versions.current().orElseThrow().announcedAt()).isNotNull();
      assertThat(versions.resumeAnnouncements()).isZero();
    }
  }
}
