package dev.confide.identity;

import dev.confide.crypto.BlindIndex;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import dev.confide.store.SqlErrors;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Staff members and their roles. Staff are data subjects too: their name and email are sealed
 * with their own subject key. Staff sign-in (with a second factor) is built on this.
 */
public final class StaffDirectory {
  private static final String EMAIL_INDEX = "staff-email";

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final BlindIndex blindIndex;
  private final PasswordHasher passwords;
  private final Clock clock;

  /**
   * A staff member as listed for operators: no personal values. Until a one-time password is
   * replaced, only the password change is allowed.
   */
  public record Member(UUID id, Set<StaffRole> roles, java.time.Instant createdAt, boolean passwordChangeRequired) {}

  /**
   * A staff member just created: what must reach them once and is never shown again — the TOTP
   * secret for their authenticator and, when the directory chose it, a one-time password.
   */
  public record Enrolled(UUID id, String oneTimePassword, String totpSecret) {}

  /** A successful staff sign-in. Until the password is changed, only the password change is allowed. */
  public record SignedIn(UUID id, Set<StaffRole> roles, boolean passwordChangeRequired) {}

  public StaffDirectory(Jdbi jdbi, SubjectKeys subjectKeys, BlindIndex blindIndex, PasswordHasher passwords, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.blindIndex = blindIndex;
    this.passwords = passwords;
    this.clock = clock;
  }

  /** Creates a staff member with a chosen password. */
  public Enrolled create(String name, String rawEmail, char[] password, Set<StaffRole> roles) {
    return create(name, rawEmail, password, roles, false, null);
  }

  /** Creates a staff member with a random one-time password that must be changed at first sign-in. */
  public Enrolled createWithOneTimePassword(String name, String rawEmail, Set<StaffRole> roles) {
    String oneTime = Secrets.randomToken(15);
    return create(name, rawEmail, oneTime.toCharArray(), roles, true, oneTime);
  }

  private Enrolled create(String name, String rawEmail, char[] password, Set<StaffRole> roles,
      boolean changeRequired, String oneTimePassword) {
    String rolesColumn = rolesColumn(roles);
    String email = EmailAddress.normalize(rawEmail);
    String cleanName = TextFields.clean("name", name, 200);
    PasswordPolicy.check(password, email);
    String hash = passwords.hash(password);
    UUID id = UUID.randomUUID();
    String totpSecret = Totp.newSecret();
    try {
      jdbi.useTransaction(h -> {
        Sealer sealer = subjectKeys.create(h, id);
        h.createUpdate("""
                INSERT INTO staff_members (subject_id, email_index, email_sealed, name_sealed, password_hash, roles,
                  created_at, totp_sealed, password_change_required)
                VALUES (:id, :index, :email, :name, :hash, :roles, :now, :totp, :change)""")
            .bind("id", id)
            .bind("index", blindIndex.of(EMAIL_INDEX, email))
            .bind("email", sealer.sealString(FieldRef.of("staff_members", "email", id), email))
            .bind("name", sealer.sealString(FieldRef.of("staff_members", "name", id), cleanName))
            .bind("hash", hash)
            .bind("roles", rolesColumn)
            .bind("now", clock.instant())
            .bind("totp", sealer.sealString(FieldRef.of("staff_members", "totp", id), totpSecret))
            .bind("change", changeRequired)
            .execute();
      });
    } catch (RuntimeException e) {
      throw SqlErrors.conflictIfDuplicate(e, "email_taken",
          "a staff member with this email already exists");
    }
    return new Enrolled(id, oneTimePassword, totpSecret);
  }

  /**
   * Password and TOTP code checked together; any failure is the same empty answer, equally slow,
   * so a caller learns nothing about which part was wrong. A code is accepted once.
   */
  public Optional<SignedIn> signIn(String rawEmail, char[] password, String totpCode) {
    String email;
    try {
      email = EmailAddress.normalize(rawEmail);
    } catch (Problem e) {
      passwords.verifyDummy(password);
      return Optional.empty();
    }
    record Row(UUID id, String hash, byte[] totp, String roles, boolean changeRequired) {}
    Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
            SELECT subject_id, password_hash, totp_sealed, roles, password_change_required FROM staff_members
            WHERE email_index = :index AND disabled_at IS NULL""")
        .bind("index", blindIndex.of(EMAIL_INDEX, email))
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getString(4),
            rs.getBoolean(5)))
        .findOne());
    if (row.isEmpty()) {
      passwords.verifyDummy(password);
      return Optional.empty();
    }
    Row r = row.get();
    if (!passwords.verify(password, r.hash()) || r.totp() == null) {
      return Optional.empty();
    }
    String secret = subjectKeys.sealer(r.id()).openString(FieldRef.of("staff_members", "totp", r.id()), r.totp());
    OptionalLong step = Totp.matchingStep(secret, totpCode, clock.instant());
    if (step.isEmpty()) {
      return Optional.empty();
    }
    int claimed = jdbi.withHandle(h -> h.createUpdate(
            "UPDATE staff_members SET totp_last_step = :step WHERE subject_id = :id AND totp_last_step < :step")
        .bind("step", step.getAsLong()).bind("id", r.id()).execute());
    if (claimed == 0) {
      return Optional.empty(); // this code (or a later one) was already used
    }
    // Only now, with both factors right: a second Argon2 run before the code was checked would tell a
    // guesser that the password alone was right.
    if (passwords.needsRehash(r.hash())) {
      String upgraded = passwords.hash(password);
      jdbi.useHandle(h -> h.createUpdate("UPDATE staff_members SET password_hash = :hash WHERE subject_id = :id")
          .bind("hash", upgraded).bind("id", r.id()).execute());
    }
    return Optional.of(new SignedIn(r.id(), parseRoles(r.roles()), r.changeRequired()));
  }

  /** Replaces the password after checking the current one; clears the one-time-password flag. */
  public void changePassword(UUID id, char[] current, char[] replacement) {
    String hash = jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM staff_members WHERE subject_id = :id")
        .bind("id", id).mapTo(String.class).findOne())
        .orElseThrow(() -> Problem.notFound("no such staff member"));
    if (!passwords.verify(current, hash)) {
      throw new Problem(Problem.Kind.FORBIDDEN, "wrong_password", "the current password is not correct");
    }
    if (java.util.Arrays.equals(current, replacement)) {
      throw Problem.invalid("password_unchanged", "choose a password different from the current one");
    }
    PasswordPolicy.check(replacement, null);
    String replacementHash = passwords.hash(replacement);
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE staff_members SET password_hash = :hash, password_change_required = FALSE WHERE subject_id = :id""")
        .bind("hash", replacementHash).bind("id", id).execute());
  }

  /** The staff member with this email address, live or disabled. */
  public Optional<UUID> idByEmail(String rawEmail) {
    byte[] index = blindIndex.of(EMAIL_INDEX, EmailAddress.normalize(rawEmail));
    return jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM staff_members WHERE email_index = :index")
        .bind("index", index).mapTo(UUID.class).findOne());
  }

  /**
   * Disables a staff member for good (someone who left, or whose factors leaked): they can no
   * longer sign in, and every session of theirs stops resolving at once, since sessions are checked
   * against the live member on each request. The row stays for the audit trail.
   *
   * @return false when the member was disabled already
   */
  public boolean disable(UUID id) {
    requireExists(id);
    return jdbi.withHandle(h -> h.createUpdate("UPDATE staff_members SET disabled_at = :now WHERE subject_id = :id AND disabled_at IS NULL")
        .bind("now", clock.instant()).bind("id", id).execute()) == 1;
  }

  /** Replaces a live member's roles (at least one). */
  public void setRoles(UUID id, Set<StaffRole> roles) {
    String rolesColumn = rolesColumn(roles);
    int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE staff_members SET roles = :roles WHERE subject_id = :id AND disabled_at IS NULL")
        .bind("roles", rolesColumn).bind("id", id).execute());
    if (updated == 0) {
      throw Problem.notFound("no such live staff member");
    }
  }

  /**
   * Gives a live member a new TOTP secret (a lost or leaked authenticator); the old one stops
   * working at once. Codes already used stay used.
   *
   * @return the new secret (base32), to reach the member once
   */
  public String resetTotp(UUID id) {
    String secret = Totp.newSecret();
    byte[] sealed = subjectKeys.sealer(id).sealString(FieldRef.of("staff_members", "totp", id), secret);
    int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE staff_members SET totp_sealed = :totp WHERE subject_id = :id AND disabled_at IS NULL")
        .bind("totp", sealed).bind("id", id).execute());
    if (updated == 0) {
      throw Problem.notFound("no such live staff member");
    }
    return secret;
  }

  private void requireExists(UUID id) {
    boolean known = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM staff_members WHERE subject_id = :id")
        .bind("id", id).mapTo(Integer.class).one()) > 0;
    if (!known) {
      throw Problem.notFound("no such staff member");
    }
  }

  /** The live (not disabled) staff member. */
  public Optional<Member> member(UUID id) {
    return jdbi.withHandle(h -> h.createQuery(MEMBERS + " AND subject_id = :id").bind("id", id).map(StaffDirectory::member).findOne());
  }

  public List<Member> list() {
    return jdbi.withHandle(h -> h.createQuery(MEMBERS + " ORDER BY created_at").map(StaffDirectory::member).list());
  }

  private static final String MEMBERS =
      "SELECT subject_id, roles, created_at, password_change_required FROM staff_members WHERE disabled_at IS NULL";

  private static Member member(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
    return new Member(rs.getObject(1, UUID.class), parseRoles(rs.getString(2)),
        rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getBoolean(4));
  }

  /** The roles as stored: wire names, sorted, comma-separated; at least one. */
  private static String rolesColumn(Set<StaffRole> roles) {
    if (roles.isEmpty()) {
      throw Problem.invalid("invalid_roles", "a staff member needs at least one role");
    }
    return roles.stream().map(StaffRole::wireName).sorted().collect(Collectors.joining(","));
  }

  private static Set<StaffRole> parseRoles(String roles) {
    Set<StaffRole> set = EnumSet.noneOf(StaffRole.class);
    Arrays.stream(roles.split(",")).filter(r -> !r.isBlank()).map(StaffRole::fromWireName).forEach(set::add);
    return set;
  }
}
