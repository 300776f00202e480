package dev.confide.incidents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An incident as of the moment it was read: overdue flags and counts are computed then.
 *
 * @param hipaaDeadline null unless a HIPAA account is among the affected subjects
 * @param regulatorOverdue the regulator deadline passed without the regulator being notified
 *     (closed incidents are never overdue)
 * @param hipaaOverdue the HIPAA deadline passed while a HIPAA subject's notice is still pending
 */
public record Incident(UUID id, Instant detectedAt, Instant awareAt, String description, List<String> categories,
    IncidentStatus status, Instant regulatorDeadline, Instant hipaaDeadline, Instant regulatorNotifiedAt,
    boolean regulatorOverdue, boolean hipaaOverdue, long affectedSubjects, long hipaaSubjects, long noticesSent,
    long noticesPending, UUID createdBy, Instant createdAt, Instant updatedAt) {

  /** One line of the timeline. */
  public record Event(Instant at, String kind, UUID actorId, String note) {}
}
