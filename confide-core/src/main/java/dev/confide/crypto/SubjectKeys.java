package dev.confide.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * One AES-256-GCM Tink keyset per data subject, wrapped by the key-encryption keyring with the
 * subject id as associated data. A new key version is added the first time a subject writes on a
 * new (UTC) day; older versions stay so old fields still open. Deleting the row is crypto-shredding:
 * everything sealed for the subject becomes unreadable at once.
 *
 * <p>Unwrapped keys are cached in memory for a short TTL, so a hot subject costs no key I/O.
 */
public final class SubjectKeys {
  private final Jdbi jdbi;
  private final Keyring<Aead> keyEncryption;
  private final Clock clock;
  private final Cache<UUID, SubjectKey> cache;

  /** An unwrapped key; {@code primaryEpochDay} is the UTC day of its newest version. */
  private record SubjectKey(Aead aead, KeysetHandle handle, LocalDate primaryDay, long primaryEpochDay, long revision) {}

  public SubjectKeys(Jdbi jdbi, Keyring<Aead> keyEncryption, Clock clock, Duration cacheTtl) {
    TinkSetup.ensureRegistered();
    this.jdbi = jdbi;
    this.keyEncryption = keyEncryption;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(100_000).build();
  }

  /**
   * Creates the subject's key inside the caller's transaction and returns a sealer for it, so the
   * subject's first rows can be sealed in the same transaction (created whole or not at all).
   */
  public Sealer create(Handle handle, UUID subject) {
    // Wrapping under a primary another instance has since destroyed would lose the key: refresh first.
    keyEncryption.reloadIfChanged();
    KeysetHandle keyset = newKeyset();
    LocalDate today = today();
    handle.createUpdate("""
            INSERT INTO subject_keys (subject_id, wrapped_keyset, kek_key_id, primary_day, revision, created_at)
            VALUES (:subject, :wrapped, :kek, :day, 1, :at)""")
        .bind("subject", subject)
        .bind("wrapped", wrap(subject, keyset))
        .bind("kek", (long) keyEncryption.primaryKeyId())
        .bind("day", today)
        .bind("at", clock.instant())
        .execute();
    cache.put(subject, subjectKey(keyset, today, 1));
    return sealer(subject);
  }

  /** A sealer for an existing subject. Cheap: keys are looked up per call through the cache. */
  public Sealer sealer(UUID subject) {
    return new SubjectSealer(subject);
  }

  /** True while the subject's key exists (before erasure). */
  public boolean exists(UUID subject) {
    return cache.getIfPresent(subject) != null || load(subject).isPresent();
  }

  /**
   * Crypto-shreds the subject inside the caller's transaction: the wrapped keyset row is deleted
   * and the cached copy dropped. Everything sealed for the subject no longer opens.
   *
   * @return true when a key existed
   */
  public boolean destroy(Handle handle, UUID subject) {
    int deleted = handle.createUpdate("DELETE FROM subject_keys WHERE subject_id = :subject")
        .bind("subject", subject).execute();
    cache.invalidate(subject);
    // A request for this subject between now and the commit could cache the still-visible key
    // again: drop it once more when the deletion is committed.
    handle.afterCommit(() -> cache.invalidate(subject));
    return deleted > 0;
  }

  /**
   * Re-wraps up to {@code limit} subject keys that are still wrapped by an older key-encryption
   * key, each with a compare-and-set on its revision, so an interrupted run leaves every key
   * openable and the next run picks up where it stopped.
   *
   * @return how many keys were re-wrapped (0 when none is left on an older version)
   */
  public int rewrapBatch(int limit) {
    long primary = keyEncryption.primaryKeyId();
    record Row(UUID subject, byte[] wrapped, long revision) {}
    List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT subject_id, wrapped_keyset, revision FROM subject_keys
            WHERE kek_key_id <> :primary ORDER BY subject_id LIMIT :limit""")
        .bind("primary", primary).bind("limit", limit)
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2), rs.getLong(3)))
        .list());
    if (rows.isEmpty()) {
      return 0;
    }
    return jdbi.inTransaction(h -> {
      int done = 0;
      for (Row row : rows) {
        KeysetHandle keyset = unwrap(row.subject(), row.wrapped());
        done += h.createUpdate("""
                UPDATE subject_keys SET wrapped_keyset = :wrapped, kek_key_id = :kek, revision = :next
                WHERE subject_id = :subject AND revision = :revision""")
            .bind("wrapped", wrap(row.subject(), keyset)).bind("kek", primary)
            .bind("next", row.revision() + 1).bind("subject", row.subject()).bind("revision", row.revision())
            .execute();
      }
      return done;
    });
  }

  /** How many subject keys each key-encryption key version still wraps. */
  public Map<Long, Long> countByKeyEncryptionKey() {
    Map<Long, Long> counts = new LinkedHashMap<>();
    jdbi.useHandle(h -> h.createQuery("SELECT kek_key_id, COUNT(*) FROM subject_keys GROUP BY kek_key_id ORDER BY kek_key_id")
        .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2)))
        .forEach(e -> counts.put(e.getKey(), e.getValue())));
    return counts;
  }

  /** How many key versions the subject's keyset holds (one per day it wrote on). */
  public int versionCount(UUID subject) {
    return current(subject).handle().size();
  }

  private final class SubjectSealer implements Sealer {
    private final UUID subject;
    private final String subjectText;

    SubjectSealer(UUID subject) {
      this.subject = subject;
      this.subjectText = subject.toString();
    }

    @Override
    public byte[] seal(FieldRef field, byte[] plaintext) {
      SubjectKey key = current(subject);
      if (key.primaryEpochDay() < Math.floorDiv(clock.millis(), 86_400_000L)) {
        key = addTodaysVersion(subject);
      }
      try {
        return key.aead().encrypt(plaintext, field.associatedData(subjectText));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("sealing failed", e);
      }
    }

    @Override
    public byte[] open(FieldRef field, byte[] ciphertext) {
      byte[] ad = field.associatedData(subjectText);
      try {
        return current(subject).aead().decrypt(ciphertext, ad);
      } catch (GeneralSecurityException first) {
        // Another instance may have added a version since we cached the key: reload once.
        cache.invalidate(subject);
        try {
          return current(subject).aead().decrypt(ciphertext, ad);
        } catch (GeneralSecurityException e) {
          throw new CannotOpenException("sealed field does not open for this subject and place", e);
        }
      }
    }
  }

  private SubjectKey current(UUID subject) {
    SubjectKey cached = cache.getIfPresent(subject);
    if (cached != null) {
      return cached;
    }
    SubjectKey key = cache.get(subject, s -> load(s).orElse(null));
    if (key == null) {
      throw new CannotOpenException("no key for this subject (erased or never created)", null);
    }
    return key;
  }

  private SubjectKey addTodaysVersion(UUID subject) {
    LocalDate today = today();
    keyEncryption.reloadIfChanged();
    while (true) {
      SubjectKey loaded = load(subject)
          .orElseThrow(() -> new CannotOpenException("no key for this subject (erased or never created)", null));
      if (!loaded.primaryDay().isBefore(today)) {
        cache.put(subject, loaded);
        return loaded;
      }
      KeysetHandle next;
      try {
        next = KeysetHandle.newBuilder(loaded.handle())
            .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
            .build();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot add a subject key version", e);
      }
      int updated = jdbi.withHandle(h -> h.createUpdate("""
              UPDATE subject_keys SET wrapped_keyset = :wrapped, kek_key_id = :kek, primary_day = :day, revision = :next
              WHERE subject_id = :subject AND revision = :revision""")
          .bind("wrapped", wrap(subject, next)).bind("kek", (long) keyEncryption.primaryKeyId())
          .bind("day", today).bind("next", loaded.revision() + 1)
          .bind("subject", subject).bind("revision", loaded.revision())
          .execute());
      if (updated == 1) {
        SubjectKey key = subjectKey(next, today, loaded.revision() + 1);
        cache.put(subject, key);
        return key;
      }
      // Lost a race with another writer for this subject: reload and look again.
    }
  }

  private Optional<SubjectKey> load(UUID subject) {
    record Row(byte[] wrapped, LocalDate day, long revision) {}
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT wrapped_keyset, primary_day, revision FROM subject_keys WHERE subject_id = :subject")
        .bind("subject", subject)
        .map((rs, ctx) -> new Row(rs.getBytes(1), rs.getObject(2, LocalDate.class), rs.getLong(3)))
        .findOne())
        .map(row -> subjectKey(unwrap(subject, row.wrapped()), row.day(), row.revision()));
  }

  private SubjectKey subjectKey(KeysetHandle keyset, LocalDate day, long revision) {
    try {
      return new SubjectKey(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class), keyset, day, day.toEpochDay(), revision);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("subject keyset has no AEAD primitive", e);
    }
  }

  private byte[] wrap(UUID subject, KeysetHandle keyset) {
    try {
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, keyEncryption.primitive(), wrapAd(subject));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot wrap subject key", e);
    }
  }

  private KeysetHandle unwrap(UUID subject, byte[] wrapped) {
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keyEncryption.primitive(), wrapAd(subject));
    } catch (GeneralSecurityException first) {
      // Another instance may have rotated the key-encryption keyring: reload it once.
      keyEncryption.reloadIfChanged();
      try {
        return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keyEncryption.primitive(), wrapAd(subject));
      } catch (GeneralSecurityException e) {
        throw new CannotOpenException("subject key does not unwrap", e);
      }
    }
  }

  private static KeysetHandle newKeyset() {
    try {
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a subject key", e);
    }
  }

  private static byte[] wrapAd(UUID subject) {
    return ("confide-subject-key-v1\0" + subject).getBytes(StandardCharsets.UTF_8);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
