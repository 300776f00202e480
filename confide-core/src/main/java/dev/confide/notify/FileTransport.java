package dev.confide.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.UUID;

/**
 * Writes each mail as one RFC 822 .eml file, for deployments without an SMTP relay (the default)
 * and for development. File names start with the subject id, so erasure deletes a subject's mail
 * by name. Files are readable by the owner only, since they hold the mail in clear.
 */
public final class FileTransport implements MailTransport {
  public static final Path DEFAULT_DIRECTORY = Path.of("data", "outbox");
  private static final String SUFFIX = ".eml";

  private final Path directory;
  private final InternetAddress from;
  private final Session session = Session.getInstance(utf8());

  public FileTransport(Path directory, String from) {
    this.directory = directory;
    this.from = MimeMessages.sender(from);
  }

  public Path directory() {
    return directory;
  }

  /** The file a mail is written to: {@code <subject id>_<mail id>.eml}. */
  public Path fileFor(UUID subject, UUID mail) {
    return directory.resolve(prefix(subject) + mail + SUFFIX);
  }

  @Override
  public Connection connect() throws MailDeliveryException {
    try {
      createPrivateDirectory();
    } catch (IOException e) {
      throw new MailDeliveryException("cannot create the outbox directory", false, e);
    }
    return new Connection() {
      @Override
      public void send(OutgoingMail mail) throws MailDeliveryException {
        write(mail);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void forgetSubject(UUID subject) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    // Also matches a half-written temporary file, which carries the same prefix.
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix(subject) + "*")) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete a subject's outbox files", e);
    }
  }

  private void write(OutgoingMail mail) throws MailDeliveryException {
    Path target = fileFor(mail.subjectId(), mail.id());
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      createPrivateFile(temporary);
      try (OutputStream out = Files.newOutputStream(temporary)) {
        MimeMessages.build(session, from, mail).writeTo(out);
      }
      // Readers never see half a mail: the file appears whole or not at all.
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | MessagingException e) {
      deleteQuietly(temporary);
      throw new MailDeliveryException("cannot write the mail file", e instanceof AddressException, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // forgetSubject finds it by its prefix if it stays
    }
  }

  private static Properties utf8() {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", "true");
    return p;
  }

  private static String prefix(UUID subject) {
    return subject + "_";
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private void createPrivateDirectory() throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (posix()) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(directory);
    }
  }

  private static void createPrivateFile(Path file) throws IOException {
    Files.deleteIfExists(file);
    if (posix()) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }
}
