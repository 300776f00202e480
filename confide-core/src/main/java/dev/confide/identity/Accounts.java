package dev.confide.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.crypto.BlindIndex;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import dev.confide.store.SqlErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * End-user accounts (P01). Name, email and the rest of the profile are sealed with the subject's
 * key; the email is found by its blind index; the password is an Argon2id hash. No card data and no
 * birth date is kept: the birth date only passes the age gate.
 */
public final class Accounts {
  static final String EMAIL_INDEX = "account-email";
  static final String EMAIL_TAKEN = "an account with this email already exists";
  private static final String TABLE = "accounts";
  private static final int MAX_NAME = 200;
  private static final int MAX_ORG_FIELD = 200;
  private static final int MAX_PREFERENCES_BYTES = 4096;
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final BlindIndex blindIndex;
  private final PasswordHasher passwords;
  private final AgeGate ageGate;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public Accounts(Jdbi jdbi, SubjectKeys subjectKeys, BlindIndex blindIndex, PasswordHasher passwords,
      AgeGate ageGate, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.blindIndex = blindIndex;
    this.passwords = passwords;
    this.ageGate = ageGate;
    this.clock = clock;
  }

  /** The minimum age sign-up enforces (P34). */
  public int minimumAge() {
    return ageGate.minimumAge();
  }

  /** What else must be done in the transaction that creates an account (mailing the first code). */
  @FunctionalInterface
  interface OnSignUp {
    void created(Handle handle, UUID subject, String email);
  }

  /** The account's row, locked for the rest of the caller's transaction: its address and whether it is verified. */
  record Address(String email, boolean verified) {}

  /**
   * Creates the account and its subject key in one transaction: whole or not at all. The age gate
   * runs first, so nothing about an under-age person is processed further or stored. The address
   * stays unverified and no code is mailed: people sign up through {@link EmailVerification#signUp},
   * which mails one; this is for accounts made by other means (tools, benchmarks).
   *
   * @return the new subject id
   */
  public UUID signUp(NewAccount account) {
    return signUp(account, (h, subject, email) -> { });
  }

  /** As {@link #signUp(NewAccount)}, with {@code then} in the same transaction. */
  UUID signUp(NewAccount account, OnSignUp then) {
    if (account.birthDate() == null) {
      throw Problem.invalid("invalid_birth_date", "birthDate is required (YYYY-MM-DD)");
    }
    ageGate.check(account.birthDate());
    String email = EmailAddress.normalize(account.email());
    String name = TextFields.clean("name", account.name(), MAX_NAME);
    PasswordPolicy.check(account.password(), email);
    String hash = passwords.hash(account.password());
    byte[] index = blindIndex.of(EMAIL_INDEX, email);
    UUID subject = UUID.randomUUID();
    Instant now = clock.instant();
    try {
      jdbi.useTransaction(h -> {
        Sealer sealer = subjectKeys.create(h, subject);
        h.createUpdate("""
                INSERT INTO accounts (subject_id, email_index, email_sealed, name_sealed, profile_sealed,
                                      password_hash, created_at, updated_at)
                VALUES (:subject, :index, :email, :name, :profile, :hash, :now, :now)""")
            .bind("subject", subject)
            .bind("index", index)
            .bind("email", sealer.sealString(field("email", subject), email))
            .bind("name", sealer.sealString(field("name", subject), name))
            .bind("profile", sealer.seal(field("profile", subject), toJson(new StoredProfile(null, null, Map.of()))))
            .bind("hash", hash)
            .bind("now", now)
            .execute();
        then.created(h, subject, email);
      });
    } catch (RuntimeException e) {
      throw SqlErrors.conflictIfDuplicate(e, "email_taken", EMAIL_TAKEN);
    }
    return subject;
  }

  /** The subject whose email and password match, or empty; equally slow either way. */
  public Optional<UUID> authenticate(String rawEmail, char[] password) {
    String email;
    try {
      email = EmailAddress.normalize(rawEmail);
    } catch (Problem e) {
      passwords.verifyDummy(password);
      return Optional.empty();
    }
    byte[] index = blindIndex.of(EMAIL_INDEX, email);
    record Row(UUID subject, String hash) {}
    Optional<Row> row = jdbi.withHandle(h -> h.createQuery(
            "SELECT subject_id, password_hash FROM accounts WHERE email_index = :index")
        .bind("index", index)
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getString(2)))
        .findOne());
    if (row.isEmpty()) {
      passwords.verifyDummy(password);
      return Optional.empty();
    }
    if (!passwords.verify(password, row.get().hash())) {
      return Optional.empty();
    }
    if (passwords.needsRehash(row.get().hash())) {
      String upgraded = passwords.hash(password);
      jdbi.useHandle(h -> h.createUpdate("UPDATE accounts SET password_hash = :hash WHERE subject_id = :subject")
          .bind("hash", upgraded).bind("subject", row.get().subject()).execute());
    }
    return Optional.of(row.get().subject());
  }

  /** The account with this email, found by its blind index (staff intake of emailed requests). */
  public Optional<UUID> findByEmail(String rawEmail) {
    Optional<byte[]> index = emailIndexFor(rawEmail);
    return index.flatMap(i -> jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM accounts WHERE email_index = :index")
        .bind("index", i).mapTo(UUID.class).findOne()));
  }

  /** The blind index a log-in attempt for this email would use; for per-account throttling. */
  public Optional<byte[]> emailIndexFor(String rawEmail) {
    try {
      return Optional.of(blindIndex.of(EMAIL_INDEX, EmailAddress.normalize(rawEmail)));
    } catch (Problem e) {
      return Optional.empty();
    }
  }

  public Optional<Profile> profile(UUID subject) {
    return jdbi.withHandle(h -> profile(h, subject));
  }

  /** As {@link #profile(UUID)}, through the caller's handle (it sees what the transaction wrote). */
  Optional<Profile> profile(Handle h, UUID subject) {
    record Row(byte[] email, byte[] name, byte[] profile, Instant created, Instant updated, Instant verified, byte[] pending) {}
    return h.createQuery("""
            SELECT a.email_sealed, a.name_sealed, a.profile_sealed, a.created_at, a.updated_at, a.email_verified_at,
                   v.new_email_sealed
            FROM accounts a LEFT JOIN email_verifications v ON v.subject_id = a.subject_id
            WHERE a.subject_id = :subject""")
        .bind("subject", subject)
        .map((rs, ctx) -> new Row(rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), instant(rs, 4), instant(rs, 5),
            instant(rs, 6), rs.getBytes(7)))
        .findOne()
        .map(row -> {
          Sealer sealer = subjectKeys.sealer(subject);
          StoredProfile stored = fromJson(sealer.open(field("profile", subject), row.profile()));
          return new Profile(subject,
              sealer.openString(field("name", subject), row.name()),
              sealer.openString(field("email", subject), row.email()),
              row.verified(),
              row.pending() == null ? null : EmailVerification.openNewEmail(sealer, subject, row.pending()),
              stored.company(), stored.role(), stored.preferences(), row.created(), row.updated());
        });
  }

  /** Applies a correction (P24) of everything but the e-mail address, which has to be verified first. */
  public Profile correct(UUID subject, ProfileChanges changes) {
    return jdbi.inTransaction(h -> correct(h, subject, changes));
  }

  /** As {@link #correct(UUID, ProfileChanges)}, in the caller's transaction. */
  Profile correct(Handle h, UUID subject, ProfileChanges changes) {
    Profile current = profile(h, subject).orElseThrow(() -> Problem.notFound("no such account"));
    String name = changes.name().map(n -> TextFields.clean("name", n, MAX_NAME)).orElse(current.name());
    String company = clearable("company", changes.company(), current.company());
    String role = clearable("role", changes.role(), current.role());
    Map<String, Object> preferences = changes.preferences().map(Accounts::checkPreferences).orElse(current.preferences());
    Sealer sealer = subjectKeys.sealer(subject);
    byte[] profile = toJson(new StoredProfile(company, role, preferences));
    Instant now = clock.instant();
    h.createUpdate("UPDATE accounts SET name_sealed = :name, profile_sealed = :profile, updated_at = :now WHERE subject_id = :subject")
        .bind("name", sealer.sealString(field("name", subject), name))
        .bind("profile", sealer.seal(field("profile", subject), profile))
        .bind("now", now)
        .bind("subject", subject)
        .execute();
    return new Profile(subject, name, current.email(), current.emailVerifiedAt(), current.pendingEmail(), company, role,
        preferences, current.createdAt(), now);
  }

  /** Locks the account's row for the caller's transaction, so one subject's verification steps run one at a time. */
  Optional<Address> lockAddress(Handle h, UUID subject) {
    record Row(byte[] email, boolean verified) {}
    return h.createQuery("SELECT email_sealed, email_verified_at IS NOT NULL FROM accounts WHERE subject_id = :s FOR UPDATE")
        .bind("s", subject)
        .map((rs, ctx) -> new Row(rs.getBytes(1), rs.getBoolean(2)))
        .findOne()
        .map(row -> new Address(subjectKeys.sealer(subject).openString(field("email", subject), row.email()), row.verified()));
  }

  /** The blind index of a normalized address, as log-in computes it. */
  byte[] emailIndex(String normalizedEmail) {
    return blindIndex.of(EMAIL_INDEX, normalizedEmail);
  }

  /** Whether any account's current address has this blind index. */
  boolean addressInUse(Handle h, byte[] index) {
    return h.createQuery("SELECT COUNT(*) FROM accounts WHERE email_index = :index")
        .bind("index", index).mapTo(Integer.class).one() > 0;
  }

  /** The current address came back with its code. */
  void markVerified(Handle h, UUID subject, Instant at) {
    h.createUpdate("UPDATE accounts SET email_verified_at = :at WHERE subject_id = :s").bind("at", at).bind("s", subject).execute();
  }

  /**
   * Puts a verified new address in: log-in finds the account by it from now on.
   *
   * @throws Problem 409 {@code email_taken} when another account took it meanwhile
   */
  void replaceEmail(Handle h, UUID subject, String normalizedEmail, byte[] index, Instant verifiedAt) {
    try {
      h.createUpdate("""
              UPDATE accounts SET email_index = :index, email_sealed = :email, email_verified_at = :at, updated_at = :at
              WHERE subject_id = :subject""")
          .bind("index", index)
          .bind("email", subjectKeys.sealer(subject).sealString(field("email", subject), normalizedEmail))
          .bind("at", verifiedAt)
          .bind("subject", subject)
          .execute();
    } catch (RuntimeException e) {
      throw SqlErrors.conflictIfDuplicate(e, "email_taken", EMAIL_TAKEN);
    }
  }

  /** HIPAA accounts (P31): set by staff once a business associate agreement covers the account. */
  /** Whether the subject has an account (erasure deletes it at once); reads no sealed field. */
  public boolean exists(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM accounts WHERE subject_id = :s")
        .bind("s", subject).mapTo(Integer.class).one()) > 0;
  }

  public boolean isHipaa(UUID subject) {
    return jdbi.withHandle(h -> isHipaa(h, subject));
  }

  /** As {@link #isHipaa(UUID)}, inside the caller's transaction. */
  public boolean isHipaa(Handle h, UUID subject) {
    return h.createQuery("SELECT hipaa FROM accounts WHERE subject_id = :s")
        .bind("s", subject).mapTo(Boolean.class).findOne().orElse(false);
  }

  /**
   * Makes the account a HIPAA account under the named business associate agreement (a contract
   * reference, not personal data), or with {@code null} ends that status.
   */
  public void setHipaa(UUID subject, String baaReference) {
    String reference = baaReference == null ? null : TextFields.clean("baaReference", baaReference, 200);
    int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE accounts SET hipaa = :h, baa_reference = :ref WHERE subject_id = :s")
        .bind("h", reference != null).bind("ref", reference).bind("s", subject).execute());
    if (updated == 0) {
      throw Problem.notFound("no such account");
    }
  }

  /** The BAA reference of a HIPAA account. */
  public Optional<String> baaReference(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("SELECT baa_reference FROM accounts WHERE subject_id = :s AND hipaa = TRUE")
        .bind("s", subject).mapTo(String.class).findOne());
  }

  public long count() {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM accounts").mapTo(Long.class).one());
  }

  /** Absent: keep the current value; present but empty: clear it; present: the cleaned new value. */
  private static String clearable(String field, Optional<Optional<String>> change, String current) {
    if (change.isEmpty()) {
      return current;
    }
    return change.get().isEmpty() ? null : TextFields.clean(field, change.get().get(), MAX_ORG_FIELD);
  }

  private record StoredProfile(String company, String role, Map<String, Object> preferences) {}

  private static Map<String, Object> checkPreferences(Map<String, Object> preferences) {
    if (preferences.size() > 50) {
      throw Problem.invalid("invalid_preferences", "preferences may hold at most 50 entries");
    }
    for (Map.Entry<String, Object> e : preferences.entrySet()) {
      Object v = e.getValue();
      if (e.getKey().isEmpty() || e.getKey().length() > 64) {
        throw Problem.invalid("invalid_preferences", "preference names must be 1 to 64 characters");
      }
      if (!(v == null || v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw Problem.invalid("invalid_preferences", "preference values must be strings, numbers, booleans or null");
      }
    }
    return new LinkedHashMap<>(preferences);
  }

  private byte[] toJson(StoredProfile profile) {
    try {
      byte[] bytes = json.writeValueAsBytes(profile);
      if (bytes.length > MAX_PREFERENCES_BYTES + 1024) {
        throw Problem.invalid("invalid_preferences", "preferences are too large (at most 4 KB)");
      }
      return bytes;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("profile does not serialize", e);
    }
  }

  private StoredProfile fromJson(byte[] bytes) {
    try {
      Map<String, Object> map = json.readValue(bytes, MAP);
      @SuppressWarnings("unchecked")
      Map<String, Object> preferences = (Map<String, Object>) map.getOrDefault("preferences", Map.of());
      return new StoredProfile((String) map.get("company"), (String) map.get("role"),
          preferences == null ? Map.of() : preferences);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored profile does not parse", e);
    }
  }

  private static Instant instant(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
    java.time.OffsetDateTime at = rs.getObject(column, java.time.OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  private static FieldRef field(String column, UUID subject) {
    return FieldRef.of(TABLE, column, subject);
  }
}
