package dev.confide.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * One rendered mail on its way to a transport; holds personal data, so it is never logged.
 * {@code date} is when it is handed over (the Date header).
 */
public record OutgoingMail(UUID id, UUID subjectId, String to, String subjectLine, String body, Instant date) {

  @Override
  public String toString() {
    return "OutgoingMail[id=" + id + ", subjectId=" + subjectId + "]";
  }
}
