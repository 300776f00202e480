package dev.confide.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Log data (P09): when a subject signed up, signed in or used an API key, from which address and
 * browser. API-key use is recorded at most once an hour per key, so the log stays small and off the
 * hot path. Addresses older than 30 days are truncated (IPv4 to /24, IPv6 to /48).
 */
public final class AccessLog {
  private static final Duration KEY_USE_EVERY = Duration.ofHours(1);
  private static final int MAX_USER_AGENT = 300;

  private final Jdbi jdbi;
  private final Clock clock;
  private final Cache<UUID, Instant> lastKeyUse = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(KEY_USE_EVERY).build();

  /** One entry, as shown in the subject's access report. */
  public record Entry(String kind, String ip, String userAgent, Instant at) {}

  public AccessLog(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public void record(UUID subject, String kind, String ip, String userAgent) {
    String agent = userAgent == null ? null : userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO access_logs (id, subject_id, kind, ip, ip_truncated, user_agent, accessed_at)
            VALUES (:id, :s, :kind, :ip, FALSE, :ua, :at)""")
        .bind("id", UUID.randomUUID()).bind("s", subject).bind("kind", kind)
        .bind("ip", ip == null || ip.length() > 64 ? null : ip).bind("ua", agent).bind("at", clock.instant())
        .execute());
  }

  /** Records an API key's use unless it was recorded within the last hour. */
  public void recordKeyUse(UUID subject, UUID keyId, String ip, String userAgent) {
    if (lastKeyUse.asMap().putIfAbsent(keyId, clock.instant()) == null) {
      record(subject, "api_key", ip, userAgent);
    }
  }

  public List<Entry> of(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT kind, ip, user_agent, accessed_at FROM access_logs WHERE subject_id = :s ORDER BY accessed_at""")
        .bind("s", subject)
        .map((rs, ctx) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getObject(4, java.time.OffsetDateTime.class).toInstant()))
        .list());
  }

  /** Keeps the network, drops the host: IPv4 to /24, IPv6 to /48. */
  public static String truncate(String ip) {
    if (ip == null) {
      return null;
    }
    if (ip.contains(":")) {
      String[] groups = ip.split(":", -1);
      StringBuilder out = new StringBuilder();
      int kept = 0;
      for (String g : groups) {
        if (kept == 3 || g.isEmpty()) {
          break;
        }
        out.append(kept == 0 ? "" : ":").append(g);
        kept++;
      }
      return out.append("::").toString();
    }
    int last = ip.lastIndexOf('.');
    return last < 0 ? null : ip.substring(0, last) + ".0";
  }
}
