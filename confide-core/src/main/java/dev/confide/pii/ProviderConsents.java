package dev.confide.pii;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A subject's explicit, recorded consent to send personal data to one provider without the shield
 * (P15). Every grant and withdrawal is a row with its time and source; the latest one is in force.
 */
public final class ProviderConsents {
  private final Jdbi jdbi;
  private final Clock clock;

  /** The decision in force for one provider. */
  public record Consent(String provider, boolean granted, String source, Instant decidedAt) {}

  public ProviderConsents(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public void record(UUID subject, String provider, boolean granted, String source) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO pii_provider_consents (id, subject_id, provider, granted, source, decided_at)
            VALUES (:id, :s, :p, :g, :src, :at)""")
        .bind("id", UUID.randomUUID()).bind("s", subject).bind("p", provider).bind("g", granted)
        .bind("src", source).bind("at", clock.instant()).execute());
  }

  public boolean granted(UUID subject, String provider) {
    return jdbi.withHandle(h -> granted(h, subject, provider));
  }

  /** As {@link #granted(UUID, String)}, inside the caller's transaction. */
  public boolean granted(Handle h, UUID subject, String provider) {
    Consent consent = current(h, subject).get(provider);
    return consent != null && consent.granted();
  }

  /** The decision in force per provider. */
  public Map<String, Consent> current(UUID subject) {
    return jdbi.withHandle(h -> current(h, subject));
  }

  private static Map<String, Consent> current(Handle h, UUID subject) {
    Map<String, Consent> current = new LinkedHashMap<>();
    h.createQuery("""
            SELECT provider, granted, source, decided_at FROM pii_provider_consents
            WHERE subject_id = :s ORDER BY seq""")
        .bind("s", subject)
        .map((rs, ctx) -> new Consent(rs.getString(1), rs.getBoolean(2), rs.getString(3),
            rs.getObject(4, OffsetDateTime.class).toInstant()))
        .forEach(c -> current.put(c.provider(), c));
    return current;
  }
}
