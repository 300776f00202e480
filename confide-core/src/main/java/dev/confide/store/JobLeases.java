package dev.confide.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Database leases so that, with several instances on one database, exactly one runs a given job
 * at a time. A lease expires by itself, so a crashed holder blocks nobody for longer than its TTL.
 */
public final class JobLeases {
  private final Jdbi jdbi;
  private final Clock clock;

  public JobLeases(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Takes or renews the lease on {@code job} for {@code holder}; false when another holds it. */
  public boolean tryAcquire(String job, String holder, Duration ttl) {
    Instant now = clock.instant();
    return jdbi.inTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE job_leases SET holder = :holder, expires_at = :expires
              WHERE name = :job AND (holder IS NULL OR holder = :holder OR expires_at < :now)""")
          .bind("holder", holder).bind("expires", now.plus(ttl)).bind("job", job).bind("now", now)
          .execute();
      if (updated == 1) {
        return true;
      }
      boolean exists = h.createQuery("SELECT COUNT(*) FROM job_leases WHERE name = :job")
          .bind("job", job).mapTo(Integer.class).one() > 0;
      if (exists) {
        return false;
      }
      try {
        h.createUpdate("INSERT INTO job_leases (name, holder, expires_at) VALUES (:job, :holder, :expires)")
            .bind("job", job).bind("holder", holder).bind("expires", now.plus(ttl)).execute();
        return true;
      } catch (RuntimeException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  /** Records that {@code job} just finished; any instance can then tell the job is running on time. */
  public void recordSuccess(String job) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE job_leases SET last_success_at = :now WHERE name = :job")
        .bind("now", clock.instant()).bind("job", job).execute());
  }

  /** When {@code job} last finished, on any instance. */
  public java.util.Optional<Instant> lastSuccess(String job) {
    return jdbi.withHandle(h -> h.createQuery("SELECT last_success_at FROM job_leases WHERE name = :job AND last_success_at IS NOT NULL")
        .bind("job", job).map((rs, ctx) -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant()).findOne());
  }

  /** Gives the lease back early so another instance need not wait for the TTL. */
  public void release(String job, String holder) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE job_leases SET holder = NULL WHERE name = :job AND holder = :holder")
        .bind("job", job).bind("holder", holder).execute());
  }
}
