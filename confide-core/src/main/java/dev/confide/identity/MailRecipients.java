package dev.confide.identity;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.SubjectKeys;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Where mail for a data subject goes: the sealed email of an account or of a staff member, opened
 * with the subject's key. Reads through the caller's handle, so a mail queued in the transaction
 * that creates the account (a verification code at sign-up) finds the address.
 */
public final class MailRecipients {
  private final SubjectKeys subjectKeys;

  public MailRecipients(SubjectKeys subjectKeys) {
    this.subjectKeys = subjectKeys;
  }

  /** The subject's email address, or empty when the subject is neither an account nor staff. */
  public Optional<String> address(Handle handle, UUID subject) {
    return sealedEmail(handle, "accounts", subject).or(() -> sealedEmail(handle, "staff_members", subject));
  }

  /**
   * False for an account whose address has not been verified: it may be a stranger's, so only mail
   * the law requires goes there (P37). True otherwise; a staff member's address is set by an
   * administrator and has no verification step.
   */
  public boolean addressVerified(Handle handle, UUID subject) {
    return handle.createQuery("SELECT email_verified_at IS NOT NULL FROM accounts WHERE subject_id = :s")
        .bind("s", subject).mapTo(Boolean.class).findOne().orElse(true);
  }

  /**
   * A page of account subject ids in ascending order, after {@code after} (null: from the start);
   * for announcements to every account, in batches that resume where they stopped.
   */
  public List<UUID> accountsAfter(Handle handle, UUID after, int limit) {
    String where = after == null ? "" : "WHERE subject_id > :after ";
    var query = handle.createQuery("SELECT subject_id FROM accounts " + where + "ORDER BY subject_id LIMIT :limit")
        .bind("limit", limit);
    if (after != null) {
      query.bind("after", after);
    }
    return query.mapTo(UUID.class).list();
  }

  private Optional<String> sealedEmail(Handle handle, String table, UUID subject) {
    // Both tables seal the email under (table, "email", subject id): see Accounts and StaffDirectory.
    return handle.createQuery("SELECT email_sealed FROM " + table + " WHERE subject_id = :s")
        .bind("s", subject)
        .mapTo(byte[].class)
        .findOne()
        .map(sealed -> subjectKeys.sealer(subject).openString(FieldRef.of(table, "email", subject), sealed));
  }
}
