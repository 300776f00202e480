package dev.confide.web;

import dev.confide.identity.StaffRole;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * What the console layout shows around every staff page. {@code staff} is null on the log-in page;
 * {@code now} is the server's clock, from which the page's script counts deadlines down (the
 * browser's own clock may be wrong, and the server's is the one deadlines are enforced by).
 */
public record StaffFrame(String title, String section, StaffVisitor staff, Instant now) {

  /** Signed in with a password of their own: the console's navigation is shown. */
  public boolean console() {
    return staff != null && !staff.passwordChangeRequired();
  }

  public String csrfToken() {
    return staff == null ? null : staff.csrfToken();
  }

  public String roles() {
    return staff == null ? "" : staff.roles().stream().map(StaffRole::wireName).sorted().collect(Collectors.joining(", "));
  }
}
