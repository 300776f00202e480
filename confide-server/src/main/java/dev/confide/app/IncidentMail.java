package dev.confide.app;

import dev.confide.incidents.IncidentNotifier;
import dev.confide.notify.MailKind;
import dev.confide.notify.NoticeKind;
import dev.confide.notify.Notices;
import dev.confide.notify.Outbox;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Delivers what breach incidents send (P33) through the notify package: an in-app notice that must
 * be acknowledged plus a legal mail (never suppressed by marketing preferences) to each affected
 * subject, and deadline reminders to security and privacy staff.
 */
final class IncidentMail implements IncidentNotifier {
  private final Notices notices;
  private final Outbox outbox;

  IncidentMail(Notices notices, Outbox outbox) {
    this.notices = notices;
    this.outbox = outbox;
  }

  @Override
  public void remindStaff(UUID staffId, Reminder reminder) {
    String title = "Incident deadline: " + reminder.kind().replace('_', ' ');
    String message = "Incident " + reminder.incidentId() + (reminder.overdue() ? " is overdue: the deadline was " : " is due by ")
        + reminder.deadline() + ".";
    notices.post(staffId, NoticeKind.PRODUCT, title, message, false);
    outbox.enqueue(staffId, MailKind.LEGAL, "product_update", Map.of("title", title, "message", message));
  }

  @Override
  public void notifySubject(UUID subjectId, Notice notice) {
    Map<String, String> params = new HashMap<>(notice.params());
    params.putIfAbsent("categories", String.join(", ", notice.categories()));
    params.putIfAbsent("summary", "a security incident may have affected your data");
    params.putIfAbsent("measures", "we contained the incident and are reviewing our safeguards");
    params.putIfAbsent("advice", "watch for unexpected messages and change your password if you reused it elsewhere");
    notices.post(subjectId, NoticeKind.BREACH_NOTICE, "Security incident notice",
        "Summary: " + params.get("summary") + "\nData concerned: " + params.get("categories") + "\nWhat we did: "
            + params.get("measures") + "\nWhat you can do: " + params.get("advice"), true);
    outbox.enqueue(subjectId, MailKind.LEGAL, notice.template(), params);
  }
}
