package dev.confide.notify;

import java.time.Duration;

/**
 * How to reach the SMTP relay. {@code username} and {@code password} are both null when the relay
 * needs no authentication. {@code from} is the sender, e.g. {@code "Confide <privacy@example.com>"}.
 */
public record SmtpSettings(
    String host,
    int port,
    Security security,
    String username,
    String password,
    String from,
    Duration connectTimeout,
    Duration readTimeout) {

  /**
   * NONE: plain SMTP (a relay on localhost only); STARTTLS: upgrade required, refused without it;
   * SSL: TLS from the first byte (usually port 465). The server's certificate and host name are
   * checked for both TLS modes.
   */
  public enum Security { NONE, STARTTLS, SSL }

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("SMTP host is required");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("SMTP port must be from 1 to 65535");
    }
    if (security == null) {
      throw new IllegalArgumentException("SMTP security is required (NONE, STARTTLS or SSL)");
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("SMTP username and password go together");
    }
    MimeMessages.sender(from);
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
        || readTimeout == null || readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("SMTP timeouts must be positive");
    }
  }

  /** Without authentication and with the default timeouts. */
  public static SmtpSettings of(String host, int port, Security security, String from) {
    return new SmtpSettings(host, port, security, null, null, from, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
  }

  public SmtpSettings withCredentials(String username, String password) {
    return new SmtpSettings(host, port, security, username, password, from, connectTimeout, readTimeout);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username="
        + (username == null ? "none" : "set") + ", from=" + from + "]";
  }
}
