package dev.confide.usage;

import dev.confide.crypto.BlindIndex;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Writes usage records and answers the questions asked of them: a subject's totals, billing. */
public final class UsageLedger {
  private final Jdbi jdbi;
  private final BlindIndex pseudonyms;
  private final Clock clock;

  /** A subject's usage of one model on one day. */
  public record DailyTotal(LocalDate day, String model, long requests, long promptTokens, long completionTokens,
      long inputChars, long outputChars, long errors) {}

  /** What one (pseudonymous) subject used in a billing period. */
  public record BillingLine(String subject, String model, long requests, long promptTokens, long completionTokens) {}

  public UsageLedger(Jdbi jdbi, BlindIndex pseudonyms, Clock clock) {
    this.jdbi = jdbi;
    this.pseudonyms = pseudonyms;
    this.clock = clock;
  }

  public void record(UsageRecord r) {
    jdbi.useHandle(h -> record(h, r));
  }

  /**
   * As {@link #record(UsageRecord)}, inside the caller's transaction. A request that was still running
   * when its subject was erased (an answer streaming while staff erase a child's account, P34) records
   * under the subject's tombstone, as the purge re-keys older rows: the purge has run already and will
   * not look at this subject again.
   */
  public void record(Handle h, UsageRecord r) {
    h.createUpdate("""
            INSERT INTO usage_records (id, subject_id, api_key_id, endpoint, model, provider, input_chars, output_chars,
                                       prompt_tokens, completion_tokens, latency_ms, ttft_ms, status, created_at, pii_mode, pii_counts)
            VALUES (:id, COALESCE((SELECT tombstone FROM erasure_ledger WHERE subject_id = :subject), :subject),
                    CASE WHEN EXISTS (SELECT 1 FROM erasure_ledger WHERE subject_id = :subject) THEN NULL ELSE CAST(:key AS UUID) END,
                    :endpoint, :model, :provider, :in, :out, :pt, :ct, :latency, :ttft, :status, :at, :piiMode, :piiCounts)""")
        .bind("id", UUID.randomUUID()).bind("subject", r.subject()).bind("key", r.apiKeyId())
        .bind("endpoint", r.endpoint()).bind("model", r.model()).bind("provider", r.provider())
        .bind("in", r.inputChars()).bind("out", r.outputChars()).bind("pt", r.promptTokens()).bind("ct", r.completionTokens())
        .bind("latency", (int) Math.min(Integer.MAX_VALUE, r.latencyMillis()))
        .bind("ttft", r.timeToFirstTokenMillis() == null ? null : (int) Math.min(Integer.MAX_VALUE, r.timeToFirstTokenMillis()))
        .bind("status", r.status()).bind("at", r.at() == null ? clock.instant() : r.at())
        .bind("piiMode", r.piiMode()).bind("piiCounts", r.piiCounts())
        .execute();
  }

  /** The subject's usage per day and model in {@code [from, to)}, newest day first. */
  public List<DailyTotal> dailyTotals(UUID subject, Instant from, Instant to) {
    List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT created_at, model, prompt_tokens, completion_tokens, input_chars, output_chars, status
            FROM usage_records WHERE subject_id = :s AND created_at >= :from AND created_at < :to""")
        .bind("s", subject).bind("from", from).bind("to", to)
        .map((rs, ctx) -> new Row(LocalDate.ofInstant(rs.getObject(1, OffsetDateTime.class).toInstant(), ZoneOffset.UTC),
            rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7)))
        .list());
    // Grouped here rather than in SQL: day truncation of timestamps differs between H2 and PostgreSQL.
    java.util.Map<List<Object>, long[]> sums = new java.util.TreeMap<>((a, b) -> {
      int byDay = ((LocalDate) b.get(0)).compareTo((LocalDate) a.get(0));
      return byDay != 0 ? byDay : ((String) a.get(1)).compareTo((String) b.get(1));
    });
    for (Row r : rows) {
      long[] s = sums.computeIfAbsent(List.of(r.day(), r.model()), k -> new long[6]);
      s[0]++;
      s[1] += r.promptTokens();
      s[2] += r.completionTokens();
      s[3] += r.inputChars();
      s[4] += r.outputChars();
      s[5] += "ok".equals(r.status()) ? 0 : 1;
    }
    return sums.entrySet().stream().map(e -> new DailyTotal((LocalDate) e.getKey().get(0), (String) e.getKey().get(1),
        e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3], e.getValue()[4], e.getValue()[5])).toList();
  }

  /**
   * Per-subject totals for a calendar month (UTC), for an external processor's metered billing
   * (P41). Subjects appear under a keyed pseudonym, stable across periods, never their id. Answers
   * the client stopped reading count (they were generated and delivered up to there); answers the
   * model or Confide failed to give do not.
   */
  public List<BillingLine> billing(YearMonth period) {
    return billingBySubject(period).values().stream().flatMap(List::stream).toList();
  }

  /** As {@link #billing}, grouped by subject id (in id order), for gating each subject's flow. */
  public Map<UUID, List<BillingLine>> billingBySubject(YearMonth period) {
    Instant from = period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<UUID, List<BillingLine>> bySubject = new LinkedHashMap<>();
    jdbi.useHandle(h -> h.createQuery("""
            SELECT subject_id, model, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens)
            FROM usage_records WHERE created_at >= :from AND created_at < :to AND status IN ('ok', 'client_closed')
            GROUP BY subject_id, model ORDER BY subject_id, model""")
        .bind("from", from).bind("to", to)
        .map((rs, ctx) -> {
          UUID subject = rs.getObject(1, UUID.class);
          return Map.entry(subject, new BillingLine(pseudonym(subject), rs.getString(2), rs.getLong(3), rs.getLong(4),
              rs.getLong(5)));
        })
        .forEach(e -> bySubject.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
    return bySubject;
  }

  /** The billing pseudonym of a subject (so an operator can answer "what is my bill" for one user). */
  public String pseudonym(UUID subject) {
    return "sub_" + HexFormat.of().formatHex(pseudonyms.of("billing-subject", subject.toString()), 0, 16);
  }

  private record Row(LocalDate day, String model, long promptTokens, long completionTokens, long inputChars,
      long outputChars, String status) {}
}
