package dev.confide.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.consent.SubjectSettings;
import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox and dispatcher against a real SMTP server (GreenMail on a loopback port). */
@Tag("P37")
class SmtpMailTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aQueuedMailIsSealedAtRestThenDeliveredWithItsHeadersAndOnlyItsMetadataKept(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      UUID zelda = f.account("Zelda Canarywright", "Zelda.Canary@Example.com");
      UUID id = f.verificationCode(zelda, "CANARY-918273");

      assertThat(f.mail(id).status()).isEqualTo(MailStatus.PENDING);
      assertThat(f.dump("mail_outbox").toLowerCase())
          .doesNotContain("zelda").doesNotContain("canary").doesNotContain("918273").doesNotContain("example.com");

      MailDispatcher.Report report = f.dispatcher(smtp.transport()).runOnce();

      assertThat(report).isEqualTo(new MailDispatcher.Report(1, 0, 0));
      MimeMessage[] received = smtp.received();
      assertThat(received).hasSize(1);
      MimeMessage mail = received[0];
      InternetAddress from = (InternetAddress) mail.getFrom()[0];
      assertThat(from.getAddress()).isEqualTo("privacy@service.example");
      assertThat(from.getPersonal()).isEqualTo("Canary Service");
      assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(a -> ((InternetAddress) a).getAddress()))
          .containsExactly("zelda.canary@example.com");
      assertThat(mail.getSubject()).isEqualTo("Your Canary Service verification code");
      assertThat(mail.getMessageID()).isEqualTo("<" + id + "@service.example>");
      assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
      assertThat(mail.getSentDate().toInstant()).isEqualTo(f.clock.instant());
      assertThat(mail.getContentType()).containsIgnoringCase("text/plain").containsIgnoringCase("utf-8");
      assertThat((String) mail.getContent()).contains("CANARY-918273").contains("valid for 15 minutes");

      Outbox.MailRecord sent = f.mail(id);
      assertThat(sent.status()).isEqualTo(MailStatus.SENT);
      assertThat(sent.attempts()).isEqualTo(1);
      assertThat(sent.sentAt()).isEqualTo(f.clock.instant());
      assertThat(sent.kind()).isEqualTo(MailKind.LEGAL);
      assertThat(sent.template()).isEqualTo("verification_code");
      long withContent = f.jdbi.withHandle(h -> h.createQuery("""
              SELECT COUNT(*) FROM mail_outbox
              WHERE recipient_sealed IS NOT NULL OR subject_line_sealed IS NOT NULL OR body_sealed IS NOT NULL""")
          .mapTo(Long.class).one());
      assertThat(withContent).as("the body and address are deleted once sent").isZero();
      assertThat(f.dispatcher(smtp.transport()).runOnce().claimed()).as("nothing is sent twice").isZero();
      assertThat(smtp.received()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffMembersAndNewAddressesAreReachedAndASubjectWithoutAddressIsRefused(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      UUID staff = f.identity.staff.create("Stan Staff", "stan@service.example", "a long passphrase 42".toCharArray(),
          EnumSet.of(StaffRole.SECURITY)).id();
      UUID account = f.account("Olga Old", "olga.old@example.com");
      f.verificationCode(staff, "111111");
      f.jdbi.useTransaction(h -> f.outbox.enqueueTo(h, account, "Olga.New@Example.org", MailKind.LEGAL,
          "verification_code", Map.of("code", "222222", "minutes", "10")));
      UUID zoe = f.account("Zoë", "zoë@exämple.org");
      f.verificationCode(zoe, "333333");

      assertThat(f.dispatcher(smtp.transport()).runOnce().sent()).isEqualTo(3);
      Map<String, String> codeByRecipient = Arrays.stream(smtp.received()).collect(Collectors.toMap(
          m -> recipient(m), m -> body(m).replaceAll("(?s).*code is:\\s+(\\d+).*", "$1")));
      assertThat(codeByRecipient).containsExactlyInAnyOrderEntriesOf(
          Map.of("stan@service.example", "111111", "olga.new@example.org", "222222", "zoë@exämple.org", "333333"));

      assertThatThrownBy(() -> f.verificationCode(UUID.randomUUID(), "444444"))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("no_recipient"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void whenTheRelayIsDownTheMailIsRetriedWithExponentialBackoffAndDeliveredOnceItIsBack(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      int port = SmtpServer.freePort();
      MailDispatcher dispatcher = f.dispatcher(new SmtpTransport(SmtpServer.settingsFor(port)));
      UUID id = f.verificationCode(f.account("Rita Retry", "rita@example.com"), "424242");

      assertThat(dispatcher.runOnce()).isEqualTo(new MailDispatcher.Report(0, 1, 0));
      assertThat(f.mail(id).attempts()).isEqualTo(1);
      assertThat(f.mail(id).status()).isEqualTo(MailStatus.PENDING);
      assertThat(f.mail(id).nextAttemptAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(1)));
      assertThat(dispatcher.runOnce().claimed()).as("not due before its backoff").isZero();

      f.clock.advance(Duration.ofMinutes(1));
      assertThat(dispatcher.runOnce()).isEqualTo(new MailDispatcher.Report(0, 1, 0));
      assertThat(f.mail(id).nextAttemptAt()).as("the wait doubles").isEqualTo(f.clock.instant().plus(Duration.ofMinutes(2)));
      String lastError = f.jdbi.withHandle(h -> h.createQuery("SELECT last_error FROM mail_outbox").mapTo(String.class).one());
      assertThat(lastError).contains("cannot connect").doesNotContain("rita");

      try (SmtpServer smtp = SmtpServer.startOn(port)) {
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(dispatcher.runOnce().claimed()).isZero();
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(dispatcher.runOnce()).isEqualTo(new MailDispatcher.Report(1, 0, 0));
        assertThat(smtp.received()).hasSize(1);
        assertThat(body(smtp.received()[0])).contains("424242");
        assertThat(f.mail(id).status()).isEqualTo(MailStatus.SENT);
        assertThat(f.mail(id).attempts()).isEqualTo(3);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void withStartTlsRequiredNothingIsSentOverAnUnverifiedConnection(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      // The test server offers no certificate this JVM trusts (or no STARTTLS at all): either way no mail goes.
      SmtpSettings tls = new SmtpSettings("127.0.0.1", smtp.port, SmtpSettings.Security.STARTTLS, SmtpServer.USER,
          SmtpServer.PASSWORD, NotifyFixture.FROM, Duration.ofSeconds(5), Duration.ofSeconds(5));
      UUID id = f.verificationCode(f.account("Tess Tls", "tess@example.com"), "565656");

      assertThat(f.dispatcher(new SmtpTransport(tls)).runOnce()).isEqualTo(new MailDispatcher.Report(0, 1, 0));
      assertThat(smtp.received()).isEmpty();
      assertThat(f.mail(id).status()).isEqualTo(MailStatus.PENDING);
      assertThat(tls.toString()).doesNotContain(SmtpServer.PASSWORD);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void afterTheLastAttemptTheMailIsFailedAndItsContentDeleted(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      MailDispatcher dispatcher = f.dispatcher(new SmtpTransport(SmtpServer.settingsFor(SmtpServer.freePort())));
      UUID id = f.verificationCode(f.account("Fay Fail", "fay@example.com"), "777777");

      List<MailDispatcher.Report> reports = new ArrayList<>();
      for (int run = 0; run < NotifyFixture.DISPATCH.maxAttempts(); run++) {
        reports.add(dispatcher.runOnce());
        f.clock.advance(NotifyFixture.DISPATCH.maxRetry());
      }

      assertThat(reports).containsExactly(new MailDispatcher.Report(0, 1, 0), new MailDispatcher.Report(0, 1, 0),
          new MailDispatcher.Report(0, 1, 0), new MailDispatcher.Report(0, 0, 1));
      assertThat(f.mail(id).status()).isEqualTo(MailStatus.FAILED);
      assertThat(f.mail(id).attempts()).isEqualTo(NotifyFixture.DISPATCH.maxAttempts());
      assertThat(f.dump("mail_outbox")).doesNotContain("777777");
      long withContent = f.jdbi.withHandle(h -> h.createQuery(
          "SELECT COUNT(*) FROM mail_outbox WHERE body_sealed IS NOT NULL OR recipient_sealed IS NOT NULL").mapTo(Long.class).one());
      assertThat(withContent).isZero();
      assertThat(dispatcher.runOnce().claimed()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void preferencesSuppressProductAndMarketingMailButNeverLegalMail(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      UUID optedOut = f.verifiedAccount("Otto Out", "otto@example.com");
      UUID objector = f.verifiedAccount("Obi Object", "obi@example.com");
      UUID restricted = f.verifiedAccount("Rex Restricted", "rex@example.com");
      UUID defaults = f.verifiedAccount("Dee Default", "dee@example.com");
      UUID unverified = f.account("Una Unverified", "una@example.com");
      f.settings.change(optedOut, change(Map.of(), Map.of("marketing", false, "productUpdates", false), Optional.empty()), "app", "v1");
      f.settings.change(objector, change(Map.of("marketing", true), Map.of(), Optional.empty()), "app", "v1");
      f.settings.change(restricted, change(Map.of(), Map.of(), Optional.of(true)), "staff", "v1");

      Map<UUID, Map<MailKind, UUID>> mails = new java.util.HashMap<>();
      for (UUID s : List.of(optedOut, objector, restricted, defaults, unverified)) {
        mails.put(s, Map.of(
            MailKind.LEGAL, f.outbox.enqueue(s, MailKind.LEGAL, "request_receipt", Map.of("requestType", "access",
                "requestId", "req-1", "receivedAt", "2026-11-02", "dueAt", "2026-12-02")),
            MailKind.PRODUCT, f.outbox.enqueue(s, MailKind.PRODUCT, "product_update", Map.of("title", "New models", "message", "Try them.")),
            MailKind.MARKETING, f.outbox.enqueue(s, MailKind.MARKETING, "product_update", Map.of("title", "Offer", "message", "Half price."))));
      }

      assertThat(statuses(f, mails.get(optedOut))).containsExactlyInAnyOrderEntriesOf(Map.of(
          MailKind.LEGAL, MailStatus.PENDING, MailKind.PRODUCT, MailStatus.SUPPRESSED, MailKind.MARKETING, MailStatus.SUPPRESSED));
      assertThat(statuses(f, mails.get(objector))).containsExactlyInAnyOrderEntriesOf(Map.of(
          MailKind.LEGAL, MailStatus.PENDING, MailKind.PRODUCT, MailStatus.PENDING, MailKind.MARKETING, MailStatus.SUPPRESSED));
      assertThat(statuses(f, mails.get(restricted))).containsExactlyInAnyOrderEntriesOf(Map.of(
          MailKind.LEGAL, MailStatus.PENDING, MailKind.PRODUCT, MailStatus.SUPPRESSED, MailKind.MARKETING, MailStatus.SUPPRESSED));
      assertThat(statuses(f, mails.get(defaults))).containsExactlyInAnyOrderEntriesOf(Map.of(
          MailKind.LEGAL, MailStatus.PENDING, MailKind.PRODUCT, MailStatus.PENDING, MailKind.MARKETING, MailStatus.PENDING));
      assertThat(statuses(f, mails.get(unverified))).as("an unverified address may be a stranger's: legal mail only")
          .containsExactlyInAnyOrderEntriesOf(Map.of(
              MailKind.LEGAL, MailStatus.PENDING, MailKind.PRODUCT, MailStatus.SUPPRESSED, MailKind.MARKETING, MailStatus.SUPPRESSED));
      long suppressedWithContent = f.jdbi.withHandle(h -> h.createQuery(
          "SELECT COUNT(*) FROM mail_outbox WHERE status = 'suppressed' AND (body_sealed IS NOT NULL OR recipient_sealed IS NOT NULL)")
          .mapTo(Long.class).one());
      assertThat(suppressedWithContent).as("a suppressed mail is never rendered").isZero();

      while (f.dispatcher(smtp.transport()).runOnce().claimed() > 0) {
        // drain
      }
      Map<String, Long> perRecipient = Arrays.stream(smtp.received())
          .collect(Collectors.groupingBy(SmtpMailTest::recipient, Collectors.counting()));
      // Each verified account also got its sign-up code, legal mail like the receipt.
      assertThat(perRecipient).containsExactlyInAnyOrderEntriesOf(Map.of(
          "otto@example.com", 2L, "obi@example.com", 3L, "rex@example.com", 2L, "dee@example.com", 4L, "una@example.com", 1L));
      assertThat(f.outbox.history(optedOut)).extracting(Outbox.MailRecord::status)
          .containsExactlyInAnyOrder(MailStatus.SENT, MailStatus.SENT, MailStatus.SUPPRESSED, MailStatus.SUPPRESSED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aDispatcherCannotClaimMailAnotherOneHasClaimed(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      UUID subject = f.account("Duo Dispatch", "duo@example.com");
      for (int i = 0; i < 6; i++) {
        f.verificationCode(subject, "code-" + i);
      }
      MailDispatcher second = f.dispatcher(smtp.transport());
      List<MailDispatcher.Report> secondRuns = new ArrayList<>();
      SmtpTransport relay = smtp.transport();
      // The first dispatcher has claimed its batch when it sends; the second runs right then.
      MailTransport interleaving = () -> {
        MailTransport.Connection connection = relay.connect();
        return new MailTransport.Connection() {
          @Override
          public void send(OutgoingMail mail) throws MailDeliveryException {
            secondRuns.add(second.runOnce());
            connection.send(mail);
          }

          @Override
          public void close() {
            connection.close();
          }
        };
      };

      MailDispatcher.Report first = f.dispatcher(interleaving).runOnce();

      assertThat(first.sent()).isEqualTo(6);
      assertThat(secondRuns).hasSize(6).allSatisfy(r -> assertThat(r.claimed()).isZero());
      assertThat(smtp.received()).hasSize(6);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void twoDispatchersRunningAtOnceSendEveryMailExactlyOnce(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp); SmtpServer smtp = SmtpServer.start()) {
      Set<UUID> queued = new java.util.HashSet<>();
      for (int a = 0; a < 3; a++) {
        UUID subject = f.account("Racer " + a, "racer" + a + "@example.com");
        for (int i = 0; i < 10; i++) {
          queued.add(f.verificationCode(subject, "race-" + a + "-" + i));
        }
      }
      CountDownLatch start = new CountDownLatch(1);
      Callable<Integer> drain = () -> {
        MailDispatcher dispatcher = f.dispatcher(smtp.transport());
        start.await();
        int sent = 0;
        MailDispatcher.Report report;
        do {
          report = dispatcher.runOnce();
          sent += report.sent();
        } while (report.claimed() > 0);
        return sent;
      };
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Integer> one = pool.submit(drain);
        Future<Integer> two = pool.submit(drain);
        start.countDown();
        assertThat(one.get() + two.get()).isEqualTo(30);
      } finally {
        pool.shutdownNow();
      }

      List<String> messageIds = new ArrayList<>();
      for (MimeMessage m : smtp.received()) {
        messageIds.add(m.getMessageID());
      }
      assertThat(messageIds).hasSize(30).doesNotHaveDuplicates();
      assertThat(queued).allSatisfy(id -> assertThat(f.mail(id).status()).isEqualTo(MailStatus.SENT));
    }
  }

  private static SubjectSettings.Change change(Map<String, Boolean> objections, Map<String, Boolean> communication,
      Optional<Boolean> restricted) {
    return new SubjectSettings.Change(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), restricted, objections, communication);
  }

  private static Map<MailKind, MailStatus> statuses(NotifyFixture f, Map<MailKind, UUID> mails) {
    return mails.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> f.mail(e.getValue()).status()));
  }

  static String recipient(MimeMessage m) {
    try {
      return ((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getAddress();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String body(MimeMessage m) {
    try {
      return (String) m.getContent();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
