package dev.confide.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import dev.confide.store.DeletionJournal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * API keys for {@code Authorization: Bearer}. The secret is 256 random bits, shown once at
 * creation; only its SHA-256 is stored (a slow hash adds nothing at that entropy), so a database
 * dump yields no usable key. The optional name is sealed like any other subject data.
 */
public final class ApiKeys {
  public static final String PREFIX = "cfd_";
  private static final int MAX_NAME = 100;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final Clock clock;
  private final DeletionJournal deletions;
  /**
   * When this instance last wrote each key's {@code last_used_at}: within {@link #TOUCH_EVERY} of
   * it, a request costs only the look-up, no write. Only the write is skipped; the look-up (and so
   * revocation) is never cached.
   */
  private final Cache<UUID, Instant> touched = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TOUCH_EVERY).build();

  public record Created(UUID id, String secret, String hint, Instant createdAt) {}

  public record Info(UUID id, String name, String hint, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {}

  /** Who a bearer secret speaks for. */
  public record Principal(UUID subject, UUID keyId) {}

  public ApiKeys(Jdbi jdbi, SubjectKeys subjectKeys, Clock clock) {
    this(jdbi, subjectKeys, DeletionJournal.none(), clock);
  }

  /** {@code deletions} records every revocation before it commits, so a restored backup cannot bring a key back. */
  public ApiKeys(Jdbi jdbi, SubjectKeys subjectKeys, DeletionJournal deletions, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.deletions = deletions;
    this.clock = clock;
  }

  public Created create(UUID subject, String name) {
    String cleanName = name == null ? null : TextFields.clean("name", name, MAX_NAME);
    UUID id = UUID.randomUUID();
    String secret = PREFIX + Secrets.randomToken(32);
    String hint = secret.substring(0, 10) + "…";
    Instant now = clock.instant();
    Sealer sealer = subjectKeys.sealer(subject);
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO api_keys (key_id, subject_id, secret_hash, display_hint, name_sealed, created_at)
            VALUES (:id, :subject, :hash, :hint, :name, :now)""")
        .bind("id", id).bind("subject", subject).bind("hash", hash(secret)).bind("hint", hint)
        .bind("name", cleanName == null ? null : sealer.sealString(nameField(id), cleanName))
        .bind("now", now)
        .execute());
    return new Created(id, secret, hint, now);
  }

  public List<Info> list(UUID subject) {
    Sealer sealer = subjectKeys.sealer(subject);
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT key_id, name_sealed, display_hint, created_at, last_used_at, revoked_at
            FROM api_keys WHERE subject_id = :subject ORDER BY created_at DESC, key_id""")
        .bind("subject", subject)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          byte[] name = rs.getBytes(2);
          return new Info(id, name == null ? null : sealer.openString(nameField(id), name), rs.getString(3),
              instant(rs, 4), instant(rs, 5), instant(rs, 6));
        })
        .list());
  }

  /** Revokes the subject's own key; an id that is not theirs is "not found", never "forbidden". */
  public void revoke(UUID subject, UUID keyId) {
    Instant now = clock.instant();
    int updated = jdbi.inTransaction(h -> {
      int n = h.createUpdate("""
              UPDATE api_keys SET revoked_at = :now
              WHERE key_id = :id AND subject_id = :subject AND revoked_at IS NULL""")
          .bind("now", now).bind("id", keyId).bind("subject", subject).execute();
      if (n > 0) {
        deletions.record(new DeletionJournal.Deletion(DeletionJournal.Kind.API_KEY,
            subject, keyId, now));
      }
      return n;
    });
    if (updated == 0) {
      throw Problem.notFound("no such API key");
    }
  }

  /** After a restore: revokes again the keys the journal lists. Returns how many had come back live. */
  public int reapply(List<DeletionJournal.Deletion> journal) {
    int revoked = 0;
    for (DeletionJournal.Deletion d : journal) {
      if (d.kind() == DeletionJournal.Kind.API_KEY) {
        revoked += jdbi.withHandle(h -> h.createUpdate("""
                UPDATE api_keys SET revoked_at = :at WHERE key_id = :id AND subject_id = :subject AND revoked_at IS NULL""")
            .bind("at", d.at()).bind("id", d.id()).bind("subject", d.subject()).execute());
      }
    }
    return revoked;
  }

  public int revokeAll(UUID subject) {
    return jdbi.withHandle(h -> h.createUpdate(
            "UPDATE api_keys SET revoked_at = :now WHERE subject_id = :subject AND revoked_at IS NULL")
        .bind("now", clock.instant()).bind("subject", subject).execute());
  }

  /**
   * The key's principal when the secret names a key that is not revoked. The look-up runs on every
   * call, so a revoked key stops working at once on every instance. {@code last_used_at} is
   * written at most once per {@link #TOUCH_EVERY} per key and instance (other instances may
   * write it too; the column is coarse by design).
   */
  public Optional<Principal> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    byte[] hash = hash(secret);
    Optional<Principal> principal = jdbi.withHandle(h -> h.createQuery(
            "SELECT subject_id, key_id FROM api_keys WHERE secret_hash = :hash AND revoked_at IS NULL")
        .bind("hash", hash)
        .map((rs, ctx) -> new Principal(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
        .findOne());
    principal.ifPresent(p -> touch(p.keyId(), now));
    return principal;
  }

  private void touch(UUID keyId, Instant now) {
    Instant last = touched.getIfPresent(keyId);
    if (last != null && now.isBefore(last.plus(TOUCH_EVERY)) && !now.isBefore(last)) {
      return;
    }
    touched.put(keyId, now);
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE api_keys SET last_used_at = :now
            WHERE key_id = :id AND (last_used_at IS NULL OR last_used_at < :stale)""")
        .bind("now", now).bind("id", keyId).bind("stale", now.minus(TOUCH_EVERY)).execute());
  }

  private static byte[] hash(String secret) {
    return Secrets.sha256(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static FieldRef nameField(UUID keyId) {
    return FieldRef.of("api_keys", "name", keyId);
  }

  private static Instant instant(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
    java.time.OffsetDateTime value = rs.getObject(column, java.time.OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
