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
 *
 * <p>Crash safety: the ledger file line is forced to disk before the transaction commits, so a
 * process killed mid-erasure leaves either nothing (killed before the line) or a line whose
 * transaction may not have committed; {@link #completeInterrupted()} on the next start finishes
 * those, so the end state is that of one erasure.
 */
public final class Erasure {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final ErasureLedgerFile ledgerFile;
  private final ReceiptSigner signer;
  private final Duration deletionWindow;
  private final List<Step> steps;
  private final Observer observer;
  private final Clock clock;

  /** The points of one erasure, in order, at which an {@link Observer} is told. */
  public enum Point {
    /** The ledger file line is on disk; the transaction has not committed. */
    LEDGER_FILE_WRITTEN,
    /** Key destroyed, rows revoked, ledger row written, all in the open transaction. */
    SHREDDED,
    /** The transaction committed; the receipt is not signed yet. */
    COMMITTED
  }

  /** Told at each {@link Point}; crash tests halt the process there. Production uses {@link #NONE}. */
  @FunctionalInterface
  public interface Observer {
    Observer NONE = point -> { };

    void reached(Point point);
  }

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
    this(jdbi, subjectKeys, ledgerFile, signer, deletionWindow, steps, Observer.NONE, clock);
  }

  public Erasure(Jdbi jdbi, SubjectKeys subjectKeys, ErasureLedgerFile ledgerFile, ReceiptSigner signer,
      Duration deletionWindow, List<Step> steps, Observer observer, Clock clock) {
    this.observer = observer;
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
      observer.reached(Point.LEDGER_FILE_WRITTEN);
      shred(h, subject, now);
      h.createUpdate("""
              INSERT INTO erasure_ledger (subject_id, tombstone, reason, erased_at, purge_due_at)
              VALUES (:s, :t, :r, :now, :due)""")
          .bind("s", subject).bind("t", tombstone).bind("r", reason).bind("now", now).bind("due", now.plus(deletionWindow))
          .execute();
      observer.reached(Point.SHREDDED);
    });
    observer.reached(Point.COMMITTED);
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
      if (reapply(e)) {
        reapplied++;
      }
    }
    return reapplied;
  }

  /**
   * Finishes erasures a crash interrupted: a ledger file line without its ledger row means the
   * process died between forcing the line to disk and committing. The subject asked to be erased,
   * so the erasure is completed (never rolled back). Cheap when there is nothing to do: one query
   * and one read of the file. Run at every start; idempotent.
   *
   * @return how many erasures were completed
   */
  public int completeInterrupted() {
    java.util.Set<UUID> recorded = new java.util.HashSet<>(jdbi.withHandle(h ->
        h.createQuery("SELECT subject_id FROM erasure_ledger").mapTo(UUID.class).list()));
    int completed = 0;
    for (ErasureLedgerFile.Entry e : ledgerFile.entries()) {
      if (recorded.add(e.subject())) {
        reapply(e);
        completed++;
      }
    }
    return completed;
  }

  /** Erases the entry's subject again if anything of theirs is in the database; true when something was. */
  private boolean reapply(ErasureLedgerFile.Entry e) {
    return jdbi.inTransaction(h -> {
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
    erased.add("account: name, email (and an address change waiting for its code), company, role, preferences, password hash");
    erased.add("sessions and API keys: revoked");
    erased.add("conversations, messages and their versions, comparisons, ratings");
    erased.add("settings, consent history and provider consents");
    erased.add("support tickets, privacy requests and their archives, access log entries, mail and notices to you");
    var kept = r.putArray("kept");
    kept.addObject().put("what", "anonymized decision data").put("why",
        "comparison choices stored without any link to you and with personal data removed; they cannot be traced back to you");
    kept.addObject().put("what", "anonymous feedback counts").put("why",
        "counts per model and day with no link to you");
    kept.addObject().put("what", "usage and billing totals").put("why",
        "kept under a random tombstone id for billing and accounting, deleted when the usage retention period ends");
    kept.addObject().put("what", "the erasure ledger entry").put("why",
        "your account id, the tombstone id and the time of erasure, so that restoring a backup erases you again;"
            + " it holds nothing else about you");
    kept.addObject().put("what", "audit records").put("why",
        "the record of this erasure and of any staff access to your account (who, when, under which grant), kept as the"
            + " audit trail of how your data was handled; they name your account id but hold none of your content");
    kept.addObject().put("what", "security-incident and legal-disclosure records").put("why",
        "if your account was part of a data breach or a lawful request for data, the record that you were affected or"
            + " notified, as the law requires us to keep");
    try {
      String payload = JSON.writeValueAsString(r);
      return new Receipt(payload, signer.sign(payload));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
