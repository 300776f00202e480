package dev.confide.disclosure;

import dev.confide.store.SqlErrors;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * What left Confide (P14): per UTC day, processor, purpose and data category, how many flows and
 * how many records. Never a value, a subject id or a time finer than the day, so the log itself
 * discloses nothing about anyone.
 */
public final class DisclosureLog {
  public static final int MAX_ROWS = 10_000;
  /**
   * A day's total is split over this many rows, each flow adding to one at random, so concurrent
   * requests rarely wait for the same row lock (V19); every read sums them.
   */
  static final int STRIPES = 16;

  private final Jdbi jdbi;
  private final Clock clock;

  /** One day's total for one processor, purpose and category. */
  public record Entry(LocalDate day, String processor, String purpose, String category, long flows, long records) {}

  /** Which entries to list; null fields match anything; {@code from} and {@code to} are inclusive. */
  public record Filter(LocalDate from, LocalDate to, String processor, String purpose, String category, int limit) {
    public Filter {
      if (limit < 1 || limit > MAX_ROWS) {
        throw new IllegalArgumentException("limit must be from 1 to " + MAX_ROWS);
      }
    }

    public static Filter all() {
      return new Filter(null, null, null, null, null, MAX_ROWS);
    }
  }

  public DisclosureLog(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /**
   * Adds the flow to today's total, in the caller's transaction when {@code h} is not null.
   *
   * @return the day it was counted on, for {@link #withdraw}
   */
  LocalDate record(Handle h, Flow flow) {
    if (h == null) {
      return jdbi.withHandle(own -> record(own, flow));
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    int stripe = ThreadLocalRandom.current().nextInt(STRIPES);
    if (addTo(h, today, stripe, flow) == 1) {
      return today;
    }
    try {
      insert(h, today, stripe, flow);
    } catch (RuntimeException e) {
      // Another flow created this row between our update and insert: add to it instead.
      if (!SqlErrors.isUniqueViolation(e) || addTo(h, today, stripe, flow) != 1) {
        throw e;
      }
    }
    return today;
  }

  /**
   * Takes a recorded flow back out of the day it was counted on, when it turned out that nothing
   * was sent (the PII shield refused the request after the gate had let it through). Any stripe
   * of that day holding at least the flow will do: only their sum is ever read.
   */
  void withdraw(LocalDate day, Flow flow) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE disclosure_log SET flow_count = flow_count - 1, record_count = record_count - :n
            WHERE disclosed_on = :day AND processor = :processor AND purpose = :purpose AND category = :category
              AND stripe = (SELECT MIN(stripe) FROM disclosure_log
                            WHERE disclosed_on = :day AND processor = :processor AND purpose = :purpose
                              AND category = :category AND flow_count >= 1 AND record_count >= :n)""")
        .bind("n", flow.records()).bind("day", day).bind("processor", flow.processor()).bind("purpose", flow.purpose())
        .bind("category", flow.category()).execute());
  }

  /** Entries newest day first, then by processor, purpose and category. */
  public List<Entry> log(Filter filter) {
    StringBuilder sql = new StringBuilder(
        "SELECT disclosed_on, processor, purpose, category, SUM(flow_count), SUM(record_count) FROM disclosure_log WHERE 1 = 1");
    List<Object[]> binds = new ArrayList<>();
    condition(sql, binds, "disclosed_on >= :from", "from", filter.from());
    condition(sql, binds, "disclosed_on <= :to", "to", filter.to());
    condition(sql, binds, "processor = :processor", "processor", filter.processor());
    condition(sql, binds, "purpose = :purpose", "purpose", filter.purpose());
    condition(sql, binds, "category = :category", "category", filter.category());
    sql.append(" GROUP BY disclosed_on, processor, purpose, category HAVING SUM(flow_count) > 0");
    sql.append(" ORDER BY disclosed_on DESC, processor, purpose, category LIMIT :limit");
    return jdbi.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", filter.limit());
      binds.forEach(b -> q.bind((String) b[0], b[1]));
      return q.map((rs, ctx) -> new Entry(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3),
          rs.getString(4), rs.getLong(5), rs.getLong(6))).list();
    });
  }

  private static void condition(StringBuilder sql, List<Object[]> binds, String clause, String name, Object value) {
    if (value != null) {
      sql.append(" AND ").append(clause);
      binds.add(new Object[] {name, value});
    }
  }

  private static int addTo(Handle h, LocalDate day, int stripe, Flow flow) {
    return h.createUpdate("""
            UPDATE disclosure_log SET flow_count = flow_count + 1, record_count = record_count + :n
            WHERE disclosed_on = :day AND processor = :processor AND purpose = :purpose AND category = :category
              AND stripe = :stripe""")
        .bind("n", flow.records()).bind("day", day).bind("processor", flow.processor()).bind("purpose", flow.purpose())
        .bind("category", flow.category()).bind("stripe", stripe).execute();
  }

  /**
   * Inserts today's row. Inside a transaction a savepoint guards it: on PostgreSQL a failed
   * statement would otherwise abort the caller's whole transaction.
   */
  private static void insert(Handle h, LocalDate day, int stripe, Flow flow) {
    boolean guarded = h.isInTransaction();
    String savepoint = "disclosure_" + UUID.randomUUID().toString().replace("-", "");
    if (guarded) {
      h.savepoint(savepoint);
    }
    try {
      h.createUpdate("""
              INSERT INTO disclosure_log (disclosed_on, processor, purpose, category, stripe, flow_count, record_count)
              VALUES (:day, :processor, :purpose, :category, :stripe, 1, :n)""")
          .bind("day", day).bind("processor", flow.processor()).bind("purpose", flow.purpose())
          .bind("category", flow.category()).bind("stripe", stripe).bind("n", flow.records()).execute();
    } catch (RuntimeException e) {
      if (guarded) {
        h.rollbackToSavepoint(savepoint);
      }
      throw e;
    }
    if (guarded) {
      h.releaseSavepoint(savepoint);
    }
  }
}
