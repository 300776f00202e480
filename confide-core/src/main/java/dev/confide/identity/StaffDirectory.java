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

  /** A staff member as listed for operators: no personal values. */
  public record Member(UUID id, Set<StaffRole> roles, java.time.Instant createdAt) {}

  public StaffDirectory(Jdbi jdbi, SubjectKeys subjectKeys, BlindIndex blindIndex, PasswordHasher passwords, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.blindIndex = blindIndex;
    this.passwords = passwords;
    this.clock = clock;
  }

  public UUID create(String name, String rawEmail, char[] password, Set<StaffRole> roles) {
    if (roles.isEmpty()) {
      throw Problem.invalid("invalid_roles", "a staff member needs at least one role");
    }
    String email = EmailAddress.normalize(rawEmail);
    String cleanName = TextFields.clean("name", name, 200);
    PasswordPolicy.check(password, email);
    String hash = passwords.hash(password);
    UUID id = UUID.randomUUID();
    try {
      jdbi.useTransaction(h -> {
        Sealer sealer = subjectKeys.create(h, id);
        h.createUpdate("""
                INSERT INTO staff_members (subject_id, email_index, email_sealed, name_sealed, password_hash, roles, created_at)
                VALUES (:id, :index, :email, :name, :hash, :roles, :now)""")
            .bind("id", id)
            .bind("index", blindIndex.of(EMAIL_INDEX, email))
            .bind("email", sealer.sealString(FieldRef.of("staff_members", "email", id), email))
            .bind("name", sealer.sealString(FieldRef.of("staff_members", "name", id), cleanName))
            .bind("hash", hash)
            .bind("roles", roles.stream().map(StaffRole::wireName).sorted().collect(Collectors.joining(",")))
            .bind("now", clock.instant())
            .execute();
      });
    } catch (RuntimeException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        throw new Problem(Problem.Kind.CONFLICT, "email_taken", "a staff member with this email already exists");
      }
      throw e;
    }
    return id;
  }

  public List<Member> list() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT subject_id, roles, created_at FROM staff_members WHERE disabled_at IS NULL ORDER BY created_at")
        .map((rs, ctx) -> new Member(rs.getObject(1, UUID.class), parseRoles(rs.getString(2)),
            rs.getObject(3, java.time.OffsetDateTime.class).toInstant()))
        .list());
  }

  private static Set<StaffRole> parseRoles(String roles) {
    Set<StaffRole> set = EnumSet.noneOf(StaffRole.class);
    Arrays.stream(roles.split(",")).filter(r -> !r.isBlank()).map(StaffRole::fromWireName).forEach(set::add);
    return set;
  }
}
