package dev.confide.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.TestBackend;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Mail written to .eml files (the default without a relay), and erasure of a subject's mail and notices. */
class FileTransportTest {
  @TempDir Path tmp;

  @Tag("P37")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void eachMailIsOneReadableEmlFileNamedAfterItsSubject(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      FileTransport files = new FileTransport(tmp.resolve("data").resolve("outbox"), NotifyFixture.FROM);
      UUID zelda = f.account("Zelda Canarywright", "zelda@example.com");
      UUID id = f.verificationCode(zelda, "CANARY-5150");

      assertThat(f.dispatcher(files).runOnce().sent()).isEqualTo(1);

      Path file = files.fileFor(zelda, id);
      assertThat(file.getFileName().toString()).contains(zelda.toString()).endsWith(".eml");
      assertThat(listing(files.directory())).containsExactly(file);
      MimeMessage mail;
      try (InputStream in = Files.newInputStream(file)) {
        mail = new MimeMessage(Session.getInstance(new Properties()), in);
      }
      assertThat(SmtpMailTest.recipient(mail)).isEqualTo("zelda@example.com");
      assertThat(mail.getSubject()).isEqualTo("Your Canary Service verification code");
      assertThat(mail.getMessageID()).isEqualTo("<" + id + "@service.example>");
      assertThat(SmtpMailTest.body(mail)).contains("CANARY-5150");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      }
      assertThat(f.mail(id).status()).isEqualTo(MailStatus.SENT);
    }
  }

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void forgettingASubjectLeavesNoTraceOfTheirMailOrNotices(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      FileTransport files = new FileTransport(tmp.resolve("outbox"), NotifyFixture.FROM);
      NotifyErasure erasure = f.erasure(files);
      UUID zelda = f.account("Zelda Canarywright", "zelda@example.com");
      UUID bob = f.account("Bob Keeps", "bob@example.com");
      f.verificationCode(zelda, "CANARY-5150");
      f.verificationCode(bob, "BOB-0001");
      f.dispatcher(files).runOnce();
      f.verificationCode(zelda, "CANARY-5151");
      f.notices.post(zelda, NoticeKind.BREACH_NOTICE, "Incident", "Your CANARY-5152 data was affected", true);
      f.notices.post(bob, NoticeKind.ACCOUNT, "Welcome", "Hello Bob", false);

      // A rolled-back erasure deletes nothing, files included.
      assertThatThrownBy(() -> f.jdbi.useTransaction(h -> {
        erasure.forgetSubject(h, zelda);
        throw new IllegalStateException("rolled back");
      })).hasMessage("rolled back");
      assertThat(f.count("mail_outbox", zelda)).isEqualTo(2);
      assertThat(listing(files.directory())).hasSize(2);

      int deleted = f.jdbi.inTransaction(h -> erasure.forgetSubject(h, zelda));

      assertThat(deleted).isEqualTo(3);
      assertThat(f.count("mail_outbox", zelda)).isZero();
      assertThat(f.count("notices", zelda)).isZero();
      assertThat(f.outbox.history(zelda)).isEmpty();
      assertThat(listing(files.directory())).singleElement()
          .satisfies(p -> assertThat(p.getFileName().toString()).startsWith(bob.toString()));
      for (Path p : listing(files.directory())) {
        assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).doesNotContain("CANARY").doesNotContain(zelda.toString());
      }
      assertThat(f.dump("mail_outbox") + f.dump("notices")).doesNotContain(zelda.toString());
      assertThat(f.count("mail_outbox", bob)).isEqualTo(1);
      assertThat(f.notices.list(bob)).hasSize(1);
    }
  }

  @Tag("P25")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aFileWrittenWhileTheSubjectIsBeingErasedIsDeletedToo(TestBackend backend) throws Exception {
    try (NotifyFixture f = NotifyFixture.open(backend, tmp)) {
      FileTransport files = new FileTransport(tmp.resolve("outbox"), NotifyFixture.FROM);
      NotifyErasure erasure = f.erasure(files);
      UUID zelda = f.account("Zelda Canarywright", "zelda@example.com");
      f.verificationCode(zelda, "CANARY-5150");
      // The erasure commits after the dispatcher claimed the mail and before the file is written.
      MailTransport erasedMidway = new MailTransport() {
        @Override
        public Connection connect() throws MailDeliveryException {
          Connection connection = files.connect();
          return new Connection() {
            @Override
            public void send(OutgoingMail mail) throws MailDeliveryException {
              f.jdbi.useTransaction(h -> erasure.forgetSubject(h, mail.subjectId()));
              connection.send(mail);
            }

            @Override
            public void close() {
              connection.close();
            }
          };
        }

        @Override
        public void forgetSubject(UUID subject) {
          files.forgetSubject(subject);
        }
      };

      f.dispatcher(erasedMidway).runOnce();

      assertThat(listing(files.directory())).isEmpty();
      assertThat(f.count("mail_outbox", zelda)).isZero();
    }
  }

  private static List<Path> listing(Path directory) throws Exception {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(directory)) {
      return s.sorted().toList();
    }
  }
}
