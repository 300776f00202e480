package dev.confide.incidents;

import java.time.Instant;
import java.util.List;

/**
 * Renders the report for the supervisory authority (GDPR Art. 33(3): nature of the breach,
 * categories and approximate number of subjects, measures taken, timing). Subjects appear as
 * counts only; the description, measures and notes are the staff's own words.
 */
final class RegulatorReport {
  private RegulatorReport() {}

  static String render(Incident incident, List<Incident.Event> timeline, Instant generatedAt) {
    StringBuilder md = new StringBuilder();
    md.append("# Personal data breach report\n\n");
    md.append("- Incident: `").append(incident.id()).append("`\n");
    md.append("- Report generated: ").append(generatedAt).append("\n");
    md.append("- Status: ").append(incident.status().wireName()).append("\n\n");

    md.append("## Facts\n\n");
    md.append("- Detected: ").append(incident.detectedAt()).append("\n");
    md.append("- Became aware: ").append(incident.awareAt()).append("\n\n");
    quote(md, incident.description());

    md.append("## Categories of data\n\n");
    incident.categories().forEach(c -> md.append("- ").append(c).append("\n"));
    md.append("\n");

    md.append("## Affected data subjects\n\n");
    md.append("- Number of affected data subjects: ").append(incident.affectedSubjects()).append("\n");
    md.append("- Of which HIPAA accounts: ").append(incident.hipaaSubjects()).append("\n");
    md.append("- Notices sent: ").append(incident.noticesSent()).append(", pending: ").append(incident.noticesPending()).append("\n");
    List<Incident.Event> scopes = timeline.stream().filter(e -> e.kind().equals("scope")).toList();
    if (!scopes.isEmpty()) {
      md.append("- How the subjects were identified:\n");
      scopes.forEach(e -> md.append("  - ").append(e.note()).append("\n"));
    }
    md.append("\n");

    md.append("## Measures taken\n\n");
    List<Incident.Event> measures = timeline.stream().filter(e -> e.kind().equals("measure")).toList();
    if (measures.isEmpty()) {
      md.append("None recorded yet.\n");
    }
    measures.forEach(e -> md.append("- ").append(e.at()).append(": ").append(oneLine(e.note())).append("\n"));
    md.append("\n");

    md.append("## Deadlines\n\n");
    md.append("- Supervisory authority (").append(java.time.Duration.between(incident.awareAt(), incident.regulatorDeadline()).toHours())
        .append(" hours from awareness): ").append(incident.regulatorDeadline()).append(" — ");
    if (incident.regulatorNotifiedAt() != null) {
      md.append("notified ").append(incident.regulatorNotifiedAt())
          .append(incident.regulatorNotifiedAt().isAfter(incident.regulatorDeadline()) ? " (late)" : "").append("\n");
    } else {
      md.append(incident.regulatorOverdue() ? "**OVERDUE**, not yet notified" : "not yet notified").append("\n");
    }
    if (incident.hipaaDeadline() != null) {
      md.append("- HIPAA (60 days from discovery): ").append(incident.hipaaDeadline())
          .append(incident.hipaaOverdue() ? " — **OVERDUE**, HIPAA notices pending" : "").append("\n");
    }
    md.append("\n");

    md.append("## Timeline\n\n");
    timeline.forEach(e -> md.append("- ").append(e.at()).append(" — ").append(e.kind()).append(": ")
        .append(oneLine(e.note())).append("\n"));
    return md.toString();
  }

  private static void quote(StringBuilder md, String text) {
    for (String line : text.split("\n", -1)) {
      md.append("> ").append(line.stripTrailing()).append("\n");
    }
    md.append("\n");
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ");
  }
}
