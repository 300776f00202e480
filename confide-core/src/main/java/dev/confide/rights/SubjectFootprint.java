package dev.confide.rights;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * How much Confide holds about one subject, in counts only: what staff may see without a
 * break-glass grant (P21). Nothing here opens a sealed field, so it needs no subject key.
 */
public final class SubjectFootprint {
  /** The tables counted, in the order they are reported; each carries {@code subject_id}. */
  static final List<String> COUNTED_TABLES =
      List.of("conversations", "messages", "support_tickets", "privacy_requests", "api_keys");

  private final Jdbi jdbi;

  /** When the account was created and how many rows each counted table holds for it. */
  public record Footprint(UUID subjectId, Instant createdAt, Map<String, Long> rowCounts) {
    public Footprint {
      rowCounts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
    }
  }

  public SubjectFootprint(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Empty when no account exists for the subject (never created, or erased). */
  public Optional<Footprint> of(UUID subject) {
    return jdbi.inTransaction(h -> {
      Optional<OffsetDateTime> created = h.createQuery("SELECT created_at FROM accounts WHERE subject_id = :s")
          .bind("s", subject).mapTo(OffsetDateTime.class).findOne();
      if (created.isEmpty()) {
        return Optional.empty();
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      for (String table : COUNTED_TABLES) {
        // Table names come from the constant list above, never from input.
        counts.put(table, h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE subject_id = :s")
            .bind("s", subject).mapTo(Long.class).one());
      }
      return Optional.of(new Footprint(subject, created.get().toInstant(), counts));
    });
  }
}
