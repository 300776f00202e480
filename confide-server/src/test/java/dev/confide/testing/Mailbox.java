package dev.confide.testing;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The mail a test server really sent: the outbox is dispatched and the {@code .eml} files the file
 * transport wrote (the default without SMTP) are parsed, as a mail client would. Each mail is
 * handed out once, so a test reads what arrived since it last looked.
 */
public final class Mailbox {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{8})\\b");

  /** One mail as it left: its recipient, subject line and plain-text body. */
  public record Mail(String to, String subjectLine, String body) {
    /** The eight-digit code in the body. */
    public String code() {
      Matcher m = CODE.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no code in the mail '" + subjectLine + "'");
      }
      return m.group(1);
    }
  }

  private final TestServer server;
  private final Set<Path> seen = new HashSet<>();

  public Mailbox(TestServer server) {
    this.server = server;
  }

  /** Sends what is due, then returns the subject's mails not handed out before. */
  public List<Mail> newMail(UUID subject) {
    while (server.confide.mailDispatcher.runOnce().claimed() > 0) {
      // until nothing is due
    }
    Path outbox = server.confide.config.dataPath().resolve(server.confide.config.mail().outboxDir());
    if (!Files.isDirectory(outbox)) {
      return List.of();
    }
    List<Mail> mails = new ArrayList<>();
    try (Stream<Path> files = Files.list(outbox)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith(subject + "_")
          && f.getFileName().toString().endsWith(".eml")).sorted().toList()) {
        if (seen.add(file)) {
          mails.add(parse(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mails;
  }

  /** The one new mail to {@code address} whose subject line contains {@code subjectLinePart}. */
  public Mail single(UUID subject, String address, String subjectLinePart) {
    List<Mail> matching = newMail(subject).stream()
        .filter(m -> m.to().equalsIgnoreCase(address) && m.subjectLine().contains(subjectLinePart)).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one mail '" + subjectLinePart + "' to " + address + ", found " + matching.size());
    }
    return matching.get(0);
  }

  /** The code of the one new e-mail verification mail to {@code address}. */
  public String verificationCode(UUID subject, String address) {
    return single(subject, address, "Confirm your e-mail address").code();
  }

  private static Mail parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
      return new Mail(message.getRecipients(Message.RecipientType.TO)[0].toString(), message.getSubject(),
          String.valueOf(message.getContent()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException("not a mail: " + file.getFileName(), e);
    }
  }
}
