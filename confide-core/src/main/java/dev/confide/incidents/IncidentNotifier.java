package dev.confide.incidents;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Delivers what incidents send: deadline reminders to staff and breach notices to affected
 * subjects (by email and in-app; implemented by the notify package). Implementations should queue
 * (an outbox) rather than send inline: a call that throws is retried on the next run, and one that
 * returns counts as sent.
 */
public interface IncidentNotifier {

  /**
   * A deadline reminder for one staff member.
   *
   * @param kind e.g. {@code regulator_24h}, {@code regulator_2h}, {@code regulator_overdue}, {@code hipaa_7d}
   */
  record Reminder(UUID incidentId, String kind, Instant deadline, boolean overdue) {}

  /**
   * A breach notice for one subject, from a template.
   *
   * @param params the template's values, as given by staff for this incident (the same for every subject)
   */
  record Notice(UUID incidentId, String template, Instant awareAt, List<String> categories, Map<String, String> params) {}

  void remindStaff(UUID staffId, Reminder reminder);

  void notifySubject(UUID subjectId, Notice notice);
}
