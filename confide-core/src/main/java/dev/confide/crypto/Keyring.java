package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A named Tink keyset kept in the database, encrypted by the root key, with the creation time of
 * every key in {@code key_versions}. Several instances may share one; every change is a
 * compare-and-set on the keyring's revision, and a loser reloads and tries again.
 *
 * @param <P> the Tink primitive the keyset provides (e.g. {@link Aead})
 */
public final class Keyring<P> {
  /** The key-encryption keyring: wraps subject keys; rotated daily. */
  public static final String KEY_ENCRYPTION = "kek";
  /** Signs erasure and request receipts (ECDSA P-256); its public half is published. */
  public static final String RECEIPTS = "receipts";
  /** Seals session cookies; rotated daily; only today's and yesterday's keys are kept. */
  public static final String COOKIES = "cookies";
  /** Keyed MAC for blind indexes; not rotated (every index would have to be recomputed). */
  public static final String BLIND_INDEX = "blind-index";
  /**
   * Keyed MAC of the audit chain. May be rotated, but its keys are never destroyed: every entry
   * ever written must stay verifiable, so {@link #destroy} refuses this keyring.
   */
  public static final String AUDIT = "audit";

  private static final java.util.Set<String> NEVER_DESTROYED = java.util.Set.of(AUDIT);

  private final String name;
  private final Parameters parameters;
  private final Class<P> primitiveClass;
  private final Jdbi jdbi;
  private final Aead rootKey;
  private final Clock clock;
  private volatile State<P> state;

  private record State<P>(KeysetHandle handle, long revision, Map<Integer, Instant> createdAt, P primitive) {}

  private Keyring(String name, Parameters parameters, Class<P> primitiveClass, Jdbi jdbi, Aead rootKey, Clock clock) {
    this.name = name;
    this.parameters = parameters;
    this.primitiveClass = primitiveClass;
    this.jdbi = jdbi;
    this.rootKey = rootKey;
    this.clock = clock;
  }

  /** Loads the keyring, creating it with one key when this database has none yet. */
  public static <P> Keyring<P> open(String name, Parameters parameters, Class<P> primitiveClass,
      Jdbi jdbi, Aead rootKey, Clock clock) {
    TinkSetup.ensureRegistered();
    Keyring<P> keyring = new Keyring<>(name, parameters, primitiveClass, jdbi, rootKey, clock);
    if (!keyring.reloadIfChanged()) {
      keyring.createFirst();
    }
    return keyring;
  }

  public String name() {
    return name;
  }

  /** The primitive over all live keys: it uses the primary and opens with any. */
  public P primitive() {
    return state.primitive();
  }

  public int primaryKeyId() {
    return state.handle().getPrimary().getId();
  }

  public Instant primaryCreatedAt() {
    State<P> s = state;
    return s.createdAt().get(s.handle().getPrimary().getId());
  }

  /** The live keys' ids with their creation times. */
  public Map<Integer, Instant> liveKeys() {
    return Map.copyOf(state.createdAt());
  }

  KeysetHandle handle() {
    return state.handle();
  }

  /** Adds a new key and makes it primary; older keys still open what they sealed. */
  public synchronized void rotate() {
    rotateIfPrimaryCreatedBefore(Instant.MAX);
  }

  /**
   * As {@link #rotate}, but only while the primary was created before {@code cutoff}: the check is
   * made again after every reload, so when several instances find a daily rotation due, one
   * rotates and the others see its new primary and stop, instead of each adding a key.
   *
   * @return whether this call rotated
   */
  public synchronized boolean rotateIfPrimaryCreatedBefore(Instant cutoff) {
    reloadIfChanged();
    while (true) {
      State<P> s = state;
      if (!s.createdAt().get(s.handle().getPrimary().getId()).isBefore(cutoff)) {
        return false;
      }
      Instant now = clock.instant();
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(s.handle());
      builder.addEntry(KeysetHandle.generateEntryFromParameters(parameters).withRandomId().makePrimary());
      KeysetHandle next = build(builder);
      int newId = next.getPrimary().getId();
      boolean saved = compareAndSet(s, next, h -> h.createUpdate(
              "INSERT INTO key_versions (keyring, key_id, created_at) VALUES (:ring, :id, :at)")
          .bind("ring", name).bind("id", (long) newId).bind("at", now).execute());
      if (saved) {
        return true;
      }
      reloadIfChanged();
    }
  }

  /**
   * Deletes every non-primary key the predicate selects, key material included, and records when.
   * What those keys sealed can never be opened again. Refused for the {@link #AUDIT} keyring.
   *
   * @return the ids of the keys destroyed
   */
  public synchronized List<Integer> destroy(Predicate<KeyVersion> which) {
    if (NEVER_DESTROYED.contains(name)) {
      throw new IllegalStateException("keyring '" + name + "' keeps every key version; none may be destroyed");
    }
    while (true) {
      State<P> s = state;
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(s.handle());
      List<Integer> doomed = new ArrayList<>();
      for (int i = builder.size() - 1; i >= 0; i--) {
        KeysetHandle.Entry entry = s.handle().getAt(i);
        KeyVersion version = new KeyVersion(entry.getId(), s.createdAt().get(entry.getId()), null, entry.isPrimary());
        if (!entry.isPrimary() && which.test(version)) {
          builder.deleteAt(i);
          doomed.add(entry.getId());
        }
      }
      if (doomed.isEmpty()) {
        return doomed;
      }
      Instant now = clock.instant();
      boolean saved = compareAndSet(s, build(builder), h -> {
        for (int id : doomed) {
          h.createUpdate("UPDATE key_versions SET destroyed_at = :at WHERE keyring = :ring AND key_id = :id")
              .bind("at", now).bind("ring", name).bind("id", (long) id).execute();
        }
      });
      if (saved) {
        return doomed;
      }
      reloadIfChanged();
    }
  }

  /** Every version this keyring ever had, destroyed ones included, oldest first. */
  public List<KeyVersion> versions() {
    int primary = primaryKeyId();
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT key_id, created_at, destroyed_at FROM key_versions
            WHERE keyring = :ring ORDER BY created_at, key_id""")
        .bind("ring", name)
        .map((rs, ctx) -> {
          long id = rs.getLong("key_id");
          Instant created = rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant();
          java.time.OffsetDateTime destroyed = rs.getObject("destroyed_at", java.time.OffsetDateTime.class);
          return new KeyVersion(id, created, destroyed == null ? null : destroyed.toInstant(), id == primary);
        })
        .list());
  }

  /**
   * Reloads from the database when another instance changed the keyring.
   *
   * @return false when the database holds no such keyring yet
   */
  public synchronized boolean reloadIfChanged() {
    Optional<Stored> stored = jdbi.withHandle(h -> h.createQuery(
            "SELECT encrypted_keyset, revision FROM keyrings WHERE name = :name")
        .bind("name", name)
        .map((rs, ctx) -> new Stored(rs.getBytes(1), rs.getLong(2)))
        .findOne());
    if (stored.isEmpty()) {
      return false;
    }
    State<P> current = state;
    if (current != null && current.revision() == stored.get().revision()) {
      return true;
    }
    try {
      KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(
          stored.get().keyset(), rootKey, associatedData());
      state = newState(handle, stored.get().revision(), loadCreatedAt());
      return true;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("keyring '" + name + "' does not open with the root key", e);
    }
  }

  private record Stored(byte[] keyset, long revision) {}

  private void createFirst() {
    Instant now = clock.instant();
    KeysetHandle handle = build(KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.generateEntryFromParameters(parameters).withRandomId().makePrimary()));
    int id = handle.getPrimary().getId();
    try {
      jdbi.useTransaction(h -> {
        h.createUpdate("""
                INSERT INTO keyrings (name, encrypted_keyset, revision, updated_at)
                VALUES (:name, :keyset, 1, :at)""")
            .bind("name", name).bind("keyset", encrypt(handle)).bind("at", now).execute();
        h.createUpdate("INSERT INTO key_versions (keyring, key_id, created_at) VALUES (:ring, :id, :at)")
            .bind("ring", name).bind("id", (long) id).bind("at", now).execute();
      });
      state = newState(handle, 1, Map.of(id, now));
    } catch (RuntimeException e) {
      if (!dev.confide.store.SqlErrors.isUniqueViolation(e)) {
        throw e;
      }
      reloadIfChanged(); // another instance created it first
    }
  }

  private boolean compareAndSet(State<P> expected, KeysetHandle next, java.util.function.Consumer<Handle> alsoInTransaction) {
    Instant now = clock.instant();
    byte[] encrypted = encrypt(next);
    boolean saved = jdbi.inTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE keyrings SET encrypted_keyset = :keyset, revision = :next, updated_at = :at
              WHERE name = :name AND revision = :expected""")
          .bind("keyset", encrypted).bind("next", expected.revision() + 1).bind("at", now)
          .bind("name", name).bind("expected", expected.revision())
          .execute();
      if (updated == 1) {
        alsoInTransaction.accept(h);
      }
      return updated == 1;
    });
    if (saved) {
      state = newState(next, expected.revision() + 1, loadCreatedAt());
    }
    return saved;
  }

  private Map<Integer, Instant> loadCreatedAt() {
    Map<Integer, Instant> created = new HashMap<>();
    jdbi.useHandle(h -> h.createQuery(
            "SELECT key_id, created_at FROM key_versions WHERE keyring = :ring AND destroyed_at IS NULL")
        .bind("ring", name)
        .map((rs, ctx) -> Map.entry((int) rs.getLong(1), rs.getObject(2, java.time.OffsetDateTime.class).toInstant()))
        .forEach(e -> created.put(e.getKey(), e.getValue())));
    return created;
  }

  private State<P> newState(KeysetHandle handle, long revision, Map<Integer, Instant> createdAt) {
    try {
      return new State<>(handle, revision, createdAt, handle.getPrimitive(RegistryConfiguration.get(), primitiveClass));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("keyring '" + name + "' has no usable primitive", e);
    }
  }

  private byte[] encrypt(KeysetHandle handle) {
    try {
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, rootKey, associatedData());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt keyring '" + name + "' with the root key", e);
    }
  }

  private byte[] associatedData() {
    return ("confide-keyring-v1\0" + name).getBytes(StandardCharsets.UTF_8);
  }

  private static KeysetHandle build(KeysetHandle.Builder builder) {
    try {
      return builder.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build keyset", e);
    }
  }
}
