package dev.confide.audit;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A break-glass grant: one staff member may read one subject's content, for a reason and a ticket,
 * from {@code openedAt} until {@code expiresAt} (at most an hour).
 *
 * @param reason null once it no longer opens (the subject was erased: it was sealed with their key)
 * @param status as of the moment the grant was read: an active grant past its expiry is {@code EXPIRED}
 * @param decidedBy the privacy officer who approved or denied it, when approval is required
 */
public record Grant(UUID id, UUID staffId, UUID subjectId, String reason, String ticket, int minutes, Status status,
    Instant requestedAt, UUID decidedBy, Instant decidedAt, Instant openedAt, Instant expiresAt, Instant closedAt) {

  public enum Status {
    PENDING, ACTIVE, DENIED, REVOKED, EXPIRED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  public boolean isLive() {
    return status == Status.ACTIVE;
  }
}
