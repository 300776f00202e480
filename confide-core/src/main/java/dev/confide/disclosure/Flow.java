package dev.confide.disclosure;

import java.util.UUID;

/**
 * Data about to leave Confide: to which processor, for which purpose, which data category, whose
 * (null when the data is attributable to no one: anonymized or aggregated across subjects) and how
 * many records. A flow carrying several subjects' personal data is checked once per subject, so
 * every subject's settings and region are applied.
 */
public record Flow(String processor, String purpose, String category, UUID subjectId, long records) {
  public Flow {
    requireTerm("processor", processor, Processor.NAME.pattern());
    requireTerm("purpose", purpose, Processor.TERM.pattern());
    requireTerm("category", category, Processor.TERM.pattern());
    if (records < 0) {
      throw new IllegalArgumentException("records must not be negative");
    }
  }

  /** One subject's flow. */
  public static Flow of(String processor, String purpose, String category, UUID subject, long records) {
    return new Flow(processor, purpose, category, subject, records);
  }

  /** A flow attributable to no subject (anonymized or aggregated data). */
  public static Flow anonymous(String processor, String purpose, String category, long records) {
    return new Flow(processor, purpose, category, null, records);
  }

  private static void requireTerm(String field, String value, String pattern) {
    if (value == null || !value.matches(pattern)) {
      throw new IllegalArgumentException(field + " must match " + pattern + " (got '" + value + "')");
    }
  }
}
