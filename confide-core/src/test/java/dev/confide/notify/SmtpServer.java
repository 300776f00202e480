package dev.confide.notify;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A real SMTP server (GreenMail) on a loopback port, with one relay account. */
final class SmtpServer implements AutoCloseable {
  static final String USER = "relay-user";
  static final String PASSWORD = "relay-password";

  private final GreenMail greenMail;
  final int port;

  private SmtpServer(int port) {
    this.port = port;
    this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
    greenMail.start();
  }

  static SmtpServer start() {
    return new SmtpServer(freePort());
  }

  static SmtpServer startOn(int port) {
    return new SmtpServer(port);
  }

  /** A loopback port nothing listens on (right now). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SmtpSettings settingsFor(int port) {
    return SmtpSettings.of("127.0.0.1", port, SmtpSettings.Security.NONE, NotifyFixture.FROM).withCredentials(USER, PASSWORD);
  }

  SmtpTransport transport() {
    return new SmtpTransport(settingsFor(port));
  }

  MimeMessage[] received() {
    return greenMail.getReceivedMessages();
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
