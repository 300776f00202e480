package dev.confide.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * What the admin viewer asks for: any combination of actor, subject, action and a time window
 * {@code [from, to)}, newest first, a page of {@code limit} entries with seq below {@code beforeSeq}.
 * Null means "any". Start from {@link #newest(int)} and narrow with the withers.
 */
public record AuditFilter(UUID actorId, UUID subject, String action, Instant from, Instant to, Long beforeSeq, int limit) {
  public static final int MAX_LIMIT = 500;

  public AuditFilter {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be within 1.." + MAX_LIMIT);
    }
  }

  public static AuditFilter newest(int limit) {
    return new AuditFilter(null, null, null, null, null, null, limit);
  }

  public AuditFilter byActor(UUID id) {
    return new AuditFilter(id, subject, action, from, to, beforeSeq, limit);
  }

  public AuditFilter about(UUID subjectId) {
    return new AuditFilter(actorId, subjectId, action, from, to, beforeSeq, limit);
  }

  public AuditFilter action(String name) {
    return new AuditFilter(actorId, subject, name, from, to, beforeSeq, limit);
  }

  public AuditFilter between(Instant fromInclusive, Instant toExclusive) {
    return new AuditFilter(actorId, subject, action, fromInclusive, toExclusive, beforeSeq, limit);
  }

  public AuditFilter before(Long seq) {
    return new AuditFilter(actorId, subject, action, from, to, seq, limit);
  }

  /** One page and the {@code beforeSeq} of the next, null on the last page. */
  public record Page(java.util.List<AuditEntry> entries, Long nextBeforeSeq) {}
}
