package dev.confide.audit;

import com.google.crypto.tink.Mac;
import dev.confide.crypto.Keyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The tamper-evident audit log (P22). Entries are numbered without gaps; each carries a keyed MAC
 * (Tink HMAC-SHA256 from the audit keyring, whose keys are never destroyed) over its own fields
 * and the previous entry's MAC. Without the key nobody can edit, delete, insert or reorder an
 * entry unnoticed by {@link #verify()}; cutting off the tail and fixing the head row is caught by
 * {@link #verifyAgainst} with a head exported earlier.
 *
 * <p>Appends take the head row's lock first, so entries from any number of threads and instances
 * form one chain. Appending inside a caller's transaction holds that lock until the caller commits:
 * append last, just before commit.
 */
public final class AuditLog {
  private static final int DEFAULT_BATCH = 1000;
  private static final HexFormat HEX = HexFormat.of();
  private static final String COLUMNS =
      "seq, occurred_at, actor_kind, actor_id, action, subject_id, target_kind, target_id, detail, prev_mac, mac";

  private final Jdbi jdbi;
  private final Keyring<Mac> keys;
  private final Clock clock;

  public AuditLog(Jdbi jdbi, Keyring<Mac> keys, Clock clock) {
    this.jdbi = jdbi;
    this.keys = keys;
    this.clock = clock;
  }

  /** Appends in a transaction of its own. */
  public AuditEntry append(AuditEvent event) {
    return jdbi.inTransaction(h -> append(h, event));
  }

  /**
   * Appends inside the caller's transaction, so the entry commits or rolls back with the action it
   * records. A handle outside a transaction gets one for the append alone.
   */
  public AuditEntry append(Handle handle, AuditEvent event) {
    return handle.inTransaction(h -> {
      // Updating the head row first takes its lock: concurrent appends queue here, and each then
      // reads the head its predecessor committed.
      h.createUpdate("UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1").execute();
      AuditHead head = readHead(h);
      long seq = head.seq();
      String prevMac = head.mac();
      // Stored with microsecond precision on both backends; the MAC must cover what is stored.
      Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
      Stored row = new Stored(seq, at, event.actor().kind().wireName(), event.actor().id(), event.action(),
          event.subject(), event.targetKind(), event.targetId(), event.canonicalDetail(), prevMac, "");
      byte[] mac = computeMac(row.macInput());
      h.createUpdate("INSERT INTO audit_entries (" + COLUMNS + ") VALUES "
              + "(:seq, :at, :actorKind, :actorId, :action, :subject, :targetKind, :targetId, :detail, :prevMac, :mac)")
          .bind("seq", seq).bind("at", at)
          .bind("actorKind", row.actorKind()).bind("actorId", row.actorId())
          .bind("action", row.action()).bind("subject", row.subject())
          .bind("targetKind", row.targetKind()).bind("targetId", row.targetId())
          .bind("detail", row.detail())
          .bind("prevMac", prevMac.isEmpty() ? null : HEX.parseHex(prevMac)).bind("mac", mac)
          .execute();
      h.createUpdate("UPDATE audit_head SET last_mac = :mac, last_at = :at WHERE id = 1")
          .bind("mac", mac).bind("at", at).execute();
      return new AuditEntry(seq, at, event.actor(), event.action(), event.subject(), event.targetKind(),
          event.targetId(), event.detail(), prevMac, HEX.formatHex(mac));
    });
  }

  /** The end of the chain as it is now, for export. */
  public AuditHead head() {
    return jdbi.withHandle(AuditLog::readHead);
  }

  private static AuditHead readHead(Handle h) {
    return h.createQuery("SELECT last_seq, last_mac, last_at FROM audit_head WHERE id = 1")
        .map((rs, ctx) -> new AuditHead(rs.getLong(1), hex(rs.getBytes(2)), instant(rs, 3)))
        .one();
  }

  /** Walks the whole chain in batches and reports the first place it does not hold. */
  public AuditVerification verify() {
    return verify(DEFAULT_BATCH);
  }

  public AuditVerification verify(int batchSize) {
    long expected = 1;
    String prevMac = "";
    while (true) {
      List<Stored> batch = entriesAfter(expected - 1, batchSize);
      for (Stored e : batch) {
        long checked = expected - 1;
        if (e.seq() != expected) {
          return AuditVerification.bad(checked, expected, "missing_entry");
        }
        if (!e.prevMac().equals(prevMac)) {
          return AuditVerification.bad(checked, e.seq(), "chain_broken");
        }
        if (!macMatches(e)) {
          return AuditVerification.bad(checked, e.seq(), "mac_mismatch");
        }
        prevMac = e.mac();
        expected++;
      }
      if (batch.size() == batchSize) {
        continue;
      }
      // The head is read after the entries: an append commits its entry and the head together, so
      // a head behind the last entry, or ahead of it with nothing more to read, was tampered with.
      long last = expected - 1;
      AuditHead head = head();
      if (head.seq() == last) {
        return head.mac().equals(prevMac) ? AuditVerification.ok(last) : AuditVerification.bad(last, last, "head_mismatch");
      }
      if (head.seq() < last) {
        return AuditVerification.bad(last, head.seq() + 1, "head_mismatch");
      }
      if (entriesAfter(last, 1).isEmpty()) {
        return AuditVerification.bad(last, last + 1, "missing_entry");
      }
    }
  }

  /**
   * Verifies the chain and that it still contains, unchanged, the entry an exported head pointed
   * to: the check an outside party makes to detect a cut-off tail.
   */
  public AuditVerification verifyAgainst(AuditHead exported) {
    AuditVerification chain = verify();
    if (!chain.valid() || exported.seq() == 0) {
      return chain;
    }
    Optional<String> mac = jdbi.withHandle(h -> h.createQuery("SELECT mac FROM audit_entries WHERE seq = :seq")
        .bind("seq", exported.seq())
        .map((rs, ctx) -> hex(rs.getBytes(1)))
        .findOne());
    if (mac.isEmpty()) {
      return AuditVerification.bad(chain.entriesChecked(), exported.seq(), "truncated");
    }
    if (!mac.get().equalsIgnoreCase(exported.mac())) {
      return AuditVerification.bad(chain.entriesChecked(), exported.seq(), "rewritten");
    }
    return chain;
  }

  /** Entries matching the filter, newest first, one page. */
  public AuditFilter.Page list(AuditFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_entries WHERE 1 = 1");
    if (filter.actorId() != null) {
      sql.append(" AND actor_id = :actor");
    }
    if (filter.subject() != null) {
      sql.append(" AND subject_id = :subject");
    }
    if (filter.action() != null) {
      sql.append(" AND action = :action");
    }
    if (filter.from() != null) {
      sql.append(" AND occurred_at >= :from");
    }
    if (filter.to() != null) {
      sql.append(" AND occurred_at < :to");
    }
    if (filter.beforeSeq() != null) {
      sql.append(" AND seq < :before");
    }
    sql.append(" ORDER BY seq DESC LIMIT :limit");
    List<AuditEntry> rows = jdbi.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", filter.limit() + 1);
      if (filter.actorId() != null) {
        q.bind("actor", filter.actorId());
      }
      if (filter.subject() != null) {
        q.bind("subject", filter.subject());
      }
      if (filter.action() != null) {
        q.bind("action", filter.action());
      }
      if (filter.from() != null) {
        q.bind("from", filter.from());
      }
      if (filter.to() != null) {
        q.bind("to", filter.to());
      }
      if (filter.beforeSeq() != null) {
        q.bind("before", filter.beforeSeq());
      }
      return q.map((rs, ctx) -> stored(rs).toEntry()).list();
    });
    if (rows.size() <= filter.limit()) {
      return new AuditFilter.Page(rows, null);
    }
    List<AuditEntry> page = rows.subList(0, filter.limit());
    return new AuditFilter.Page(List.copyOf(page), page.get(page.size() - 1).seq());
  }

  /**
   * Makes a new audit key primary and records it. Older keys stay (the audit keyring refuses
   * destruction), so entries MACed with them still verify.
   */
  public AuditEntry rotateKey(Actor actor) {
    keys.rotate();
    return append(AuditEvent.of(actor, AuditActions.KEY_ROTATED).on("keyring", Keyring.AUDIT)
        .with("key_id", (long) keys.primaryKeyId()));
  }

  private List<Stored> entriesAfter(long seq, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM audit_entries WHERE seq > :seq ORDER BY seq LIMIT :limit")
        .bind("seq", seq).bind("limit", limit)
        .map((rs, ctx) -> stored(rs))
        .list());
  }

  private boolean macMatches(Stored e) {
    byte[] input = e.macInput();
    byte[] mac = HEX.parseHex(e.mac());
    try {
      keys.primitive().verifyMac(mac, input);
      return true;
    } catch (GeneralSecurityException first) {
      // Another instance may have rotated the audit key since this one loaded it.
      keys.reloadIfChanged();
      try {
        keys.primitive().verifyMac(mac, input);
        return true;
      } catch (GeneralSecurityException e2) {
        return false;
      }
    }
  }

  private byte[] computeMac(byte[] input) {
    try {
      return keys.primitive().computeMac(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("audit MAC failed", e);
    }
  }

  /**
   * An entry's columns as stored, verified without interpreting them, so a tampered row is
   * reported rather than failing to parse.
   */
  private record Stored(long seq, Instant at, String actorKind, UUID actorId, String action, UUID subject,
      String targetKind, String targetId, String detail, String prevMac, String mac) {

    /** Every field, length-prefixed so that no two different entries share an input. */
    byte[] macInput() {
      StringBuilder in = new StringBuilder("confide-audit-v1");
      for (String field : new String[] {
          Long.toString(seq), at.getEpochSecond() + "." + at.getNano(), actorKind, text(actorId), action,
          text(subject), text(targetKind), text(targetId), detail, prevMac}) {
        in.append('|').append(field.length()).append(':').append(field);
      }
      return in.toString().getBytes(StandardCharsets.UTF_8);
    }

    AuditEntry toEntry() {
      return new AuditEntry(seq, at, new Actor(Actor.Kind.fromWireName(actorKind), actorId), action, subject,
          targetKind, targetId, AuditEvent.parseDetail(detail), prevMac, mac);
    }
  }

  private static Stored stored(ResultSet rs) throws SQLException {
    return new Stored(rs.getLong("seq"), instant(rs, 2), rs.getString("actor_kind"), rs.getObject("actor_id", UUID.class),
        rs.getString("action"), rs.getObject("subject_id", UUID.class), rs.getString("target_kind"),
        rs.getString("target_id"), rs.getString("detail"), hex(rs.getBytes("prev_mac")), hex(rs.getBytes("mac")));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "" : HEX.formatHex(bytes);
  }
}
