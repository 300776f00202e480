package dev.confide.analytics;

import dev.confide.consent.SubjectSettings;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Records anonymous events (P06): a thumbs up or down is counted per model and day, with no subject
 * id, no message and no time finer than the day, so an event cannot be traced back to a person.
 * A changed rating is recorded as a retraction of the old one plus the new one.
 */
public final class AnonymousEvents {
  public static final String FEEDBACK = "feedback";
  public static final String FEEDBACK_RETRACTED = "feedback_retracted";

  private final Jdbi jdbi;
  private final SubjectSettings settings;
  private final Clock clock;

  public AnonymousEvents(Jdbi jdbi, SubjectSettings settings, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Whether what the subject does may be counted at all: not while restricted (P26) or objecting to
   * analytics (P28). The subject is asked about, never recorded.
   */
  public boolean counts(UUID subject) {
    return settings.get(subject).allowsAnalytics();
  }

  public void record(String kind, String model, String rating) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO analytics_events (id, kind, model, rating, event_day) VALUES (:id, :kind, :model, :rating, :day)")
        .bind("id", UUID.randomUUID()).bind("kind", kind).bind("model", model).bind("rating", rating)
        .bind("day", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)).execute());
  }

  /** Net thumbs per model and rating (feedback minus retractions), for leaderboards. */
  public Map<String, Map<String, Long>> netRatings() {
    Map<String, Map<String, Long>> result = new java.util.TreeMap<>();
    List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery(
            "SELECT model, rating, kind, COUNT(*) AS n FROM analytics_events WHERE kind IN ('feedback', 'feedback_retracted') GROUP BY model, rating, kind")
        .mapToMap().list());
    for (Map<String, Object> row : rows) {
      long n = ((Number) row.get("n")).longValue() * (FEEDBACK.equals(row.get("kind")) ? 1 : -1);
      result.computeIfAbsent((String) row.get("model"), m -> new java.util.TreeMap<>()).merge((String) row.get("rating"), n, Long::sum);
    }
    return result;
  }
}
