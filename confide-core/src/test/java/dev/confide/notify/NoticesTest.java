package dev.confide.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("P35")
class NoticesTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void noticesAreSealedListedUnacknowledgedFirstAndAcknowledgedOnlyByTheirSubject(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      UUID alice = f.account("Alice", "alice@example.com");
      UUID bob = f.account("Bob", "bob@example.com");
      UUID policy = f.notices.post(alice, NoticeKind.POLICY_UPDATE, "Policy v2", "CANARY policy summary", true);
      f.clock.advance(Duration.ofMinutes(1));
      UUID breach = f.notices.post(alice, NoticeKind.BREACH_NOTICE, "Incident", "Your CANARY-7 data was affected", true);
      f.clock.advance(Duration.ofMinutes(1));
      UUID info = f.notices.post(alice, NoticeKind.ACCOUNT, "Welcome", "Nice to have you", false);
      UUID bobs = f.notices.post(bob, NoticeKind.POLICY_UPDATE, "Policy v2", "summary", true);

      assertThat(f.dump("notices")).doesNotContain("CANARY").doesNotContain("Incident").doesNotContain("Welcome");
      assertThat(f.notices.list(alice)).extracting(Notices.Notice::id).containsExactly(info, breach, policy);
      assertThat(f.notices.pendingAck(alice)).isEqualTo(2);

      f.clock.advance(Duration.ofMinutes(1));
      Instant acknowledgedAt = f.clock.instant();
      f.notices.acknowledge(alice, breach);
      f.clock.advance(Duration.ofMinutes(1));
      f.notices.acknowledge(alice, breach);

      assertThat(f.notices.pendingAck(alice)).isEqualTo(1);
      assertThat(f.notices.list(alice)).extracting(Notices.Notice::id).containsExactly(info, policy, breach);
      Notices.Notice acknowledged = f.notices.list(alice).get(2);
      assertThat(acknowledged.acknowledgedAt()).as("a repeat changes nothing").isEqualTo(acknowledgedAt);
      assertThat(acknowledged.pendingAck()).isFalse();
      assertThat(acknowledged.body()).isEqualTo("Your CANARY-7 data was affected");
      assertThat(acknowledged.kind()).isEqualTo(NoticeKind.BREACH_NOTICE);

      assertThatThrownBy(() -> f.notices.acknowledge(alice, bobs))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_FOUND));
      assertThatThrownBy(() -> f.notices.acknowledge(alice, UUID.randomUUID()))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_FOUND));
      assertThat(f.notices.pendingAck(bob)).isEqualTo(1);
      assertThat(f.notices.list(bob)).singleElement().satisfies(n -> assertThat(n.pendingAck()).isTrue());

      assertThatThrownBy(() -> f.notices.post(alice, NoticeKind.ACCOUNT, " ", "body", false))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("invalid_notice_title"));
    }
  }
}
