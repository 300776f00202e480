package dev.confide.rights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.crypto.ReceiptSigner;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Erases an account (P25; DESIGN.md section 4). At once, in one transaction: sessions and API keys
 * revoked, the subject key deleted (every sealed field unreadable from that moment), the account row
 * deleted, the erasure recorded. The subject's remaining rows are purged by the retention sweep
 * within the deletion window. The time this takes does not depend on how much the subject stored.
 */
public final class Erasure {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final ErasureLedgerFile ledgerFile;
  private final ReceiptSigner signer;
  private final Duration deletionWindow;
  private final List<Step> steps;
  private final Clock clock;

  /**
   * What another package must forget in the erasure's own transaction (mail in the outbox, notices,
   * grants...): it commits or rolls back with the key's destruction.
   */
  @FunctionalInterface
  public interface Step {
    void forget(Handle handle, UUID subject);
  }

  public Erasure(Jdbi jdbi, SubjectKeys subjectKeys, ErasureLedgerFile ledgerFile, ReceiptSigner signer,
      Duration deletionWindow, List<Step> steps, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.ledgerFile = ledgerFile;
    this.signer = signer;
    this.deletionWindow = deletionWindow;
    this.steps = List.copyOf(steps);
    this.clock = clock;
  }

  /**
   * Erases the subject and returns the signed receipt.
   *
   * @param reason {@code user_request}, {@code privacy_request} or {@code underage}
   */
  public Receipt erase(UUID subject, String reason) {
    Instant now = clock.instant();
    UUID tombstone = UUID.randomUUID();
    jdbi.useTransaction(h -> {
      boolean known = h.createQuery("SELECT COUNT(*) FROM accounts WHERE subject_id = :s").bind("s", subject).mapTo(Integer.class).one() > 0;
      if (!known) {
        throw Problem.notFound("no such account");
      }
      // The file first: no erasure commits without its copy outside the database.
      ledgerFile.append(new ErasureLedgerFile.Entry(subject, tombstone, reason, now));
      shred(h, subject, now);
      h.createUpdate("""
              INSERT INTO erasure_ledger (subject_id, tombstone, reason, erased_at, purge_due_at)
              VALUES (:s, :t, :r, :now, :due)""")
          .bind("s", subject).bind("t", tombstone).bind("r", reason).bind("now", now).bind("due", now.plus(deletionWindow))
          .execute();
    });
    return receipt(subject, reason, now);
  }

  /**
   * Re-applies the ledger file after a restore: every subject it lists is erased again if anything
   * of theirs came back, and queued for purge. Idempotent.
   *
   * @return how many subjects had to be erased again
   */
  public int reapply() {
    int reapplied = 0;
    for (ErasureLedgerFile.Entry e : ledgerFile.entries()) {
      boolean restored = jdbi.inTransaction(h -> {
        boolean hasKey = h.createQuery("SELECT COUNT(*) FROM subject_keys WHERE subject_id = :s").bind("s", e.subject()).mapTo(Integer.class).one() > 0;
        boolean hasAccount = h.createQuery("SELECT COUNT(*) FROM accounts WHERE subject_id = :s").bind("s", e.subject()).mapTo(Integer.class).one() > 0;
        boolean inLedger = h.createQuery("SELECT COUNT(*) FROM erasure_ledger WHERE subject_id = :s").bind("s", e.subject()).mapTo(Integer.class).one() > 0;
        shred(h, e.subject(), clock.instant());
        if (!inLedger) {
          h.createUpdate("""
                  INSERT INTO erasure_ledger (subject_id, tombstone, reason, erased_at, purge_due_at)
                  VALUES (:s, :t, :r, :at, :due)""")
              .bind("s", e.subject()).bind("t", e.tombstone()).bind("r", e.reason()).bind("at", e.erasedAt())
              .bind("due", clock.instant().plus(deletionWindow)).execute();
        } else {
          h.createUpdate("UPDATE erasure_ledger SET purged_at = NULL WHERE subject_id = :s").bind("s", e.subject()).execute();
        }
        return hasKey || hasAccount || !inLedger;
      });
      if (restored) {
        reapplied++;
      }
    }
    return reapplied;
  }

  /** Whether the subject was erased (for staff tools and tests). */
  public boolean isErased(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM erasure_ledger WHERE subject_id = :s")
        .bind("s", subject).mapTo(Integer.class).one() > 0);
  }

  public String receiptKey() {
    return signer.publicKeysetJson();
  }

  private void shred(Handle h, UUID subject, Instant now) {
    h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE subject_id = :s AND revoked_at IS NULL")
        .bind("now", now).bind("s", subject).execute();
    h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE subject_id = :s AND revoked_at IS NULL")
        .bind("now", now).bind("s", subject).execute();
    subjectKeys.destroy(h, subject);
    for (Step step : steps) {
      step.forget(h, subject);
    }
    h.createUpdate("DELETE FROM accounts WHERE subject_id = :s").bind("s", subject).execute();
  }

  private Receipt receipt(UUID subject, String reason, Instant erasedAt) {
    ObjectNode r = JSON.createObjectNode();
    r.put("type", "erasure");
    r.put("receiptId", UUID.randomUUID().toString());
    r.put("subject", subject.toString());
    r.put("reason", reason);
    r.put("erasedAt", erasedAt.toString());
    r.put("purgeCompleteBy", erasedAt.plus(deletionWindow).toString());
    var erased = r.putArray("erased");
    erased.add("your encryption key: destroyed, so everything sealed with it is unreadable from this moment");
    erased.add("account: name, email, company, role, preferences, password hash");
    erased.add("sessions and API keys: revoked");
    erased.add("conversations, messages and their versions, comparisons, ratings");
    erased.add("settings, consent history and provider consents");
    var kept = r.putArray("kept");
    kept.addObject().put("what", "anonymized decision data").put("why",
        "comparison choices stored without any link to you and with personal data removed; they cannot be traced back to you");
    kept.addObject().put("what", "anonymous feedback counts").put("why",
        "counts per model and day with no link to you");
    kept.addObject().put("what", "usage and billing totals").put("why",
        "kept under a random tombstone id for billing and accounting, deleted when the usage retention period ends");
    try {
      String payload = JSON.writeValueAsString(r);
      return new Receipt(payload, signer.sign(payload));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
