package dev.confide.notify;

import dev.confide.identity.MailRecipients;
import dev.confide.problem.Problem;
import dev.confide.store.SqlErrors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Published versions of the privacy policy (P35). A significant version is announced to every
 * account: an in-app notice that must be acknowledged and a legal mail (sent whatever the
 * communication preferences). The announcement runs in batches, each one transaction that also
 * moves a cursor, so a crash mid-way loses nothing and repeats nothing: {@link
 * #resumeAnnouncements} carries on from the cursor.
 */
public final class PolicyVersions {
  public static final int DEFAULT_BATCH = 500;
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_SUMMARY = 2000;

  private final Jdbi jdbi;
  private final MailRecipients recipients;
  private final Notices notices;
  private final Outbox outbox;
  private final int batchSize;
  private final Clock clock;

  /** {@code announcedAt} is null while a significant version is still being announced. */
  public record PolicyVersion(String version, String summary, boolean significant, String contentSha256,
      UUID publishedBy, Instant publishedAt, Instant announcedAt) {}

  public PolicyVersions(Jdbi jdbi, MailRecipients recipients, Notices notices, Outbox outbox, Clock clock) {
    this(jdbi, recipients, notices, outbox, DEFAULT_BATCH, clock);
  }

  public PolicyVersions(Jdbi jdbi, MailRecipients recipients, Notices notices, Outbox outbox, int batchSize,
      Clock clock) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.jdbi = jdbi;
    this.recipients = recipients;
    this.notices = notices;
    this.outbox = outbox;
    this.batchSize = batchSize;
    this.clock = clock;
  }

  /**
   * Records a new version and, when it is significant, announces it to every account before
   * returning.
   *
   * @param contentSha256 hex SHA-256 of the policy file as published
   * @param publishedBy the staff member who published it
   * @throws Problem CONFLICT ({@code policy_version_exists}) when the version string is taken
   */
  public PolicyVersion publish(String version, String summary, boolean significant, String contentSha256,
      UUID publishedBy) {
    if (version == null || !VERSION.matcher(version).matches()) {
      throw Problem.invalid("invalid_version", "version must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (summary == null || summary.isBlank() || summary.length() > MAX_SUMMARY) {
      throw Problem.invalid("invalid_summary", "summary must be 1 to " + MAX_SUMMARY + " characters");
    }
    String sha = contentSha256 == null ? "" : contentSha256.toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(sha).matches()) {
      throw Problem.invalid("invalid_content_sha256", "contentSha256 must be 64 hexadecimal digits");
    }
    if (publishedBy == null) {
      throw Problem.invalid("invalid_published_by", "publishedBy is required");
    }
    Instant now = clock.instant();
    try {
      jdbi.useHandle(h -> h.createUpdate("""
              INSERT INTO policy_versions (version, summary, significant, content_sha256, published_by, published_at,
                                           announced_at)
              VALUES (:v, :summary, :significant, :sha, :by, :now, :announced)""")
          .bind("v", version).bind("summary", summary.strip()).bind("significant", significant).bind("sha", sha)
          .bind("by", publishedBy).bind("now", now).bind("announced", significant ? null : now)
          .execute());
    } catch (RuntimeException e) {
      throw SqlErrors.conflictIfDuplicate(e, "policy_version_exists",
          "this policy version is already published");
    }
    if (significant) {
      announce(version);
    }
    return find(version).orElseThrow();
  }

  /** The latest published version. */
  public Optional<PolicyVersion> current() {
    return jdbi.withHandle(h -> h.createQuery(SELECT + " ORDER BY seq DESC LIMIT 1").map((rs, ctx) -> row(rs)).findOne());
  }

  /** Every published version, newest first. */
  public List<PolicyVersion> history() {
    return jdbi.withHandle(h -> h.createQuery(SELECT + " ORDER BY seq DESC").map((rs, ctx) -> row(rs)).list());
  }

  public Optional<PolicyVersion> find(String version) {
    return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE version = :v").bind("v", version)
        .map((rs, ctx) -> row(rs)).findOne());
  }

  /**
   * Finishes announcements a crash interrupted; run it at start-up or periodically.
   *
   * @return how many versions it had to finish
   */
  public int resumeAnnouncements() {
    List<String> unfinished = jdbi.withHandle(h -> h.createQuery(
            "SELECT version FROM policy_versions WHERE announced_at IS NULL ORDER BY seq")
        .mapTo(String.class).list());
    unfinished.forEach(this::announce);
    return unfinished.size();
  }

  private void announce(String version) {
    while (jdbi.inTransaction(h -> announceBatch(h, version))) {
      // next batch
    }
  }

  /** Announces to the next batch of accounts; false when every account has been reached. */
  private boolean announceBatch(Handle h, String version) {
    record Progress(String summary, Instant publishedAt, UUID through, boolean done) {}
    // The row lock makes concurrent announcers (publish and a resume job) take turns per batch.
    Progress p = h.createQuery("""
            SELECT summary, published_at, announced_through, announced_at FROM policy_versions
            WHERE version = :v FOR UPDATE""")
        .bind("v", version)
        .map((rs, ctx) -> new Progress(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
            rs.getObject(3, UUID.class), rs.getObject(4, OffsetDateTime.class) != null))
        .one();
    if (p.done()) {
      return false;
    }
    List<UUID> accounts = recipients.accountsAfter(h, p.through(), batchSize);
    String title = "Our privacy policy has changed (version " + version + ")";
    Map<String, String> params = Map.of("version", version, "summary", p.summary(),
        "publishedOn", LocalDate.ofInstant(p.publishedAt(), ZoneOffset.UTC).toString());
    for (UUID account : accounts) {
      notices.post(h, account, NoticeKind.POLICY_UPDATE, title, p.summary(), true);
      outbox.enqueue(h, account, MailKind.LEGAL, "policy_update", params);
    }
    boolean more = accounts.size() == batchSize;
    h.createUpdate("UPDATE policy_versions SET announced_through = :through, announced_at = :done WHERE version = :v")
        .bind("through", accounts.isEmpty() ? p.through() : accounts.get(accounts.size() - 1))
        .bind("done", more ? null : clock.instant())
        .bind("v", version)
        .execute();
    return more;
  }

  private static final String SELECT = """
      SELECT version, summary, significant, content_sha256, published_by, published_at, announced_at
      FROM policy_versions""";

  private static PolicyVersion row(ResultSet rs) throws SQLException {
    OffsetDateTime announced = rs.getObject(7, OffsetDateTime.class);
    return new PolicyVersion(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
        rs.getObject(5, UUID.class), rs.getObject(6, OffsetDateTime.class).toInstant(),
        announced == null ? null : announced.toInstant());
  }
}
