package dev.confide.retention;

import dev.confide.consent.SettingsDefaults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The sweeps. Each deletes in batches of {@link Pacing#batchSize} rows per transaction, so writers are
 * never blocked for long, and can be run again at any time with the same result. Between batches
 * they pause as {@link Pacing} says, so a large backlog is worked off without starving the writes
 * that run meanwhile.
 */
public final class RetentionSweeps {
  /** Every table that holds a subject's rows, purged after erasure (usage is re-keyed, not purged). */
  private static final List<String> SUBJECT_TABLES = List.of("message_feedback", "comparisons", "messages", "conversations",
      "subject_settings", "consent_ledger", "pii_provider_consents", "access_logs", "privacy_request_events", "export_chunks", "privacy_requests", "support_tickets", "mail_outbox", "notices", "request_verifications", "request_reminders", "email_verifications", "sessions", "api_keys", "subject_keys", "accounts");

  private final Jdbi jdbi;
  private final SettingsDefaults defaults;
  private final Duration usageRetention;
  private final Duration accessLogRetention;
  private final Duration ipKeptWhole;
  private final Observer observer;
  private final Pacing pacing;
  private final java.util.function.BiConsumer<Handle, UUID> alsoForget;
  private final Clock clock;
  /** Message ids bound per statement: a batch of long conversations must stay under the drivers' parameter limits. */
  private static final int IDS_PER_STATEMENT = 1000;

  /**
   * Told after every committed batch ({@code sweep} names it: chats, usage, access_logs, addresses,
   * archives, purge:TABLE, purged); crash tests halt the process there. Production uses {@link #NONE}.
   */
  @FunctionalInterface
  public interface Observer {
    Observer NONE = (sweep, rows) -> { };

    void committed(String sweep, int rows);
  }

  /** What one run removed. */
  public record Report(int conversationsExpired, int usageRecordsExpired, int subjectsPurged, int addressesTruncated,
      int accessLogsExpired, int archivesExpired, int sessionsEnded) {}

  /**
   * How long a sign-in session's row outlives the session's end (expiry or log-out): long enough to
   * look into a suspicious sign-in, far shorter than access logs are kept (P09). The row holds when
   * someone signed in and was last seen, nothing a user needs once it has ended.
   */
  public static final Duration ENDED_SESSIONS_KEPT = Duration.ofDays(30);

  /** How long each kind of record is kept, from the policy file (P07, P09). */
  public record Periods(Duration usage, Duration accessLogs, Duration ipAddressesWhole) {}

  /**
   * How hard the sweeps press on the database. After each batch they pause for {@code pauseRatio}
   * times as long as the batch took (0: no pause; 1: the sweep takes at most half the time the
   * database spends on it, and backs off by itself when the database is slow), and for longer if
   * needed to stay under {@code maxRowsPerSecond} (0: no cap).
   */
  public record Pacing(int batchSize, double pauseRatio, int maxRowsPerSecond) {
    public Pacing {
      if (batchSize < 1 || pauseRatio < 0 || maxRowsPerSecond < 0) {
        throw new IllegalArgumentException("batchSize must be positive, pauseRatio and maxRowsPerSecond not negative");
      }
    }

    /** No pauses: as fast as the database goes. */
    public static Pacing unpaced(int batchSize) {
      return new Pacing(batchSize, 0, 0);
    }

    /** The pause after a batch that removed {@code rows} rows in {@code batchNanos}. */
    public long pauseNanos(int rows, long batchNanos) {
      long proportional = (long) (batchNanos * pauseRatio);
      long capped = maxRowsPerSecond == 0 ? 0 : rows * 1_000_000_000L / maxRowsPerSecond - batchNanos;
      return Math.max(0, Math.max(proportional, capped));
    }
  }

  public RetentionSweeps(Jdbi jdbi, SettingsDefaults defaults, Periods periods, Pacing pacing, Clock clock) {
    this(jdbi, defaults, periods, pacing, Observer.NONE, clock);
  }

  public RetentionSweeps(Jdbi jdbi, SettingsDefaults defaults, Periods periods, Pacing pacing, Observer observer, Clock clock) {
    this(jdbi, defaults, periods, pacing, observer, (h, subject) -> { }, clock);
  }

  /**
   * {@code alsoForget} runs in the last transaction of each subject's purge, for what the subject left
   * outside these tables (the mail transport's local copies of their mails, for one).
   */
  public RetentionSweeps(Jdbi jdbi, SettingsDefaults defaults, Periods periods, Pacing pacing, Observer observer,
      java.util.function.BiConsumer<Handle, UUID> alsoForget, Clock clock) {
    this.alsoForget = alsoForget;
    this.observer = observer;
    this.jdbi = jdbi;
    this.defaults = defaults;
    this.usageRetention = periods.usage();
    this.accessLogRetention = periods.accessLogs();
    this.ipKeptWhole = periods.ipAddressesWhole();
    this.pacing = pacing;
    this.clock = clock;
  }

  /** What one batch did: the items the report counts (conversations, records) and every row it deleted or changed. */
  private record Batch(int counted, int rows) {
    static final Batch NONE = new Batch(0, 0);

    static Batch of(int rows) {
      return new Batch(rows, rows);
    }
  }

  /** Runs {@code batch} until it finds nothing more, pausing after each as the pacing says; returns the items counted. */
  private int inBatches(String sweep, java.util.function.Supplier<Batch> batch) {
    int total = 0;
    while (true) {
      long start = System.nanoTime();
      Batch done = batch.get();
      if (done.rows() == 0) {
        return total;
      }
      total += done.counted();
      observer.committed(sweep, done.rows());
      long pause = pacing.pauseNanos(done.rows(), System.nanoTime() - start);
      if (pause > 0) {
        try {
          Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("retention sweep interrupted; the next run continues where it stopped", e);
        }
      }
    }
  }

  public Report run() {
    return run(clock.instant());
  }

  /** Runs every sweep as of {@code asOf} (a catch-up or a test may pass a time other than now). */
  public Report run(Instant asOf) {
    int chats = expireChats(asOf);
    int usage = expireUsage(asOf);
    int purged = purgeErased(asOf);
    int truncated = truncateAddresses(asOf);
    int logs = deleteOlderThan("access_logs", "access_logs", "accessed_at", asOf.minus(accessLogRetention));
    int archives = expireArchives(asOf);
    int sessions = 0;
    for (String table : SESSION_TABLES) {
      sessions += deleteEndedSessions(table, asOf.minus(ENDED_SESSIONS_KEPT));
    }
    return new Report(chats, usage, purged, truncated, logs, archives, sessions);
  }

  /**
   * What a run as of {@code asOf} would remove or truncate, counted without changing anything. All
   * zeros means the sweeps have kept up to that time (the {@code sweeps.on-time} self-check).
   */
  public Report due(Instant asOf) {
    int chats = chatCuts(asOf).stream()
        .mapToInt(c -> count("SELECT COUNT(*) FROM (" + c.select() + ") due", c.cutoff(), c.days())).sum();
    return new Report(chats,
        count("SELECT COUNT(*) FROM usage_records WHERE created_at < :cutoff", asOf.minus(usageRetention), null),
        count("SELECT COUNT(*) FROM erasure_ledger WHERE purged_at IS NULL AND erased_at < :cutoff", asOf, null),
        count("SELECT COUNT(*) FROM access_logs WHERE ip_truncated = FALSE AND accessed_at < :cutoff", asOf.minus(ipKeptWhole), null),
        count("SELECT COUNT(*) FROM access_logs WHERE accessed_at < :cutoff", asOf.minus(accessLogRetention), null),
        count("SELECT COUNT(*) FROM privacy_requests WHERE " + ARCHIVE_EXPIRED, asOf, null),
        SESSION_TABLES.stream().mapToInt(table ->
            count("SELECT COUNT(*) FROM " + table + " WHERE " + SESSION_ENDED, asOf.minus(ENDED_SESSIONS_KEPT), null)).sum());
  }

  /** An access/export archive is still stored but its download link has expired. */
  private static final String ARCHIVE_EXPIRED =
      "download_expires_at < :cutoff AND (archive_key_sealed IS NOT NULL OR archive_sealed IS NOT NULL)";

  /**
   * P32: an access/export archive is a copy of the subject's data made for one download. Once its
   * link has expired nobody may fetch it, so it is not kept: its chunks, its sealed key and any
   * whole-archive copy go (the request and its receipt stay, as the record that it was answered).
   */
  int expireArchives(Instant asOf) {
    return inBatches("archives", () -> {
      List<UUID> ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM privacy_requests WHERE " + ARCHIVE_EXPIRED
              + " ORDER BY id LIMIT :limit")
          .bind("cutoff", asOf).bind("limit", pacing.batchSize()).mapTo(UUID.class).list());
      if (ids.isEmpty()) {
        return Batch.NONE;
      }
      return jdbi.inTransaction(h -> {
        int chunks = h.createUpdate("DELETE FROM export_chunks WHERE request_id IN (<ids>)").bindList("ids", ids).execute();
        int requests = h.createUpdate(
                "UPDATE privacy_requests SET archive_key_sealed = NULL, archive_sealed = NULL WHERE id IN (<ids>)")
            .bindList("ids", ids).execute();
        return new Batch(requests, chunks + requests);
      });
    });
  }

  private int count(String sql, Instant cutoff, Integer days) {
    return jdbi.withHandle(h -> h.createQuery(sql).bind("cutoff", cutoff).bind("days", days).mapTo(Integer.class).one());
  }

  /** P09: client addresses older than the policy's period (30 days in both presets) keep only their network part. */
  int truncateAddresses(Instant asOf) {
    record Row(UUID id, String ip) {}
    return inBatches("addresses", () -> {
      List<Row> rows = jdbi.withHandle(h -> h.createQuery(
              "SELECT id, ip FROM access_logs WHERE ip_truncated = FALSE AND accessed_at < :cutoff ORDER BY id LIMIT :limit")
          .bind("cutoff", asOf.minus(ipKeptWhole)).bind("limit", pacing.batchSize())
          .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getString(2))).list());
      if (rows.isEmpty()) {
        return Batch.NONE;
      }
      jdbi.useTransaction(h -> {
        for (Row r : rows) {
          h.createUpdate("UPDATE access_logs SET ip = :ip, ip_truncated = TRUE WHERE id = :id")
              .bind("ip", dev.confide.identity.AccessLog.truncate(r.ip())).bind("id", r.id()).execute();
        }
      });
      return Batch.of(rows.size());
    });
  }

  /** P04: a conversation goes when it has had no activity for its subject's retention days. */
  int expireChats(Instant asOf) {
    return chatCuts(asOf).stream().mapToInt(c -> deleteConversations(c.select(), c.cutoff(), c.days())).sum();
  }

  /**
   * Selects conversations idle since before {@code cutoff}, for subjects keeping chats {@code days}
   * days: {@code select} names {@code c.id, c.last_activity_at}, the order a sweep pages in.
   */
  private record ChatCut(String select, Instant cutoff, Integer days) {}

  /** The chat sweep's selections as of {@code asOf}: subjects on the default retention, then each custom one. */
  private List<ChatCut> chatCuts(Instant asOf) {
    List<ChatCut> cuts = new ArrayList<>();
    if (defaults.chatRetentionDays() != null) {
      cuts.add(new ChatCut("""
          SELECT c.id, c.last_activity_at FROM conversations c
          WHERE c.last_activity_at < :cutoff
            AND NOT EXISTS (SELECT 1 FROM subject_settings s WHERE s.subject_id = c.subject_id AND s.retention_chosen = TRUE)""",
          asOf.minus(Duration.ofDays(defaults.chatRetentionDays())), null));
    }
    List<Integer> customDays = jdbi.withHandle(h -> h.createQuery(
        "SELECT DISTINCT chat_retention_days FROM subject_settings WHERE keep_chats = FALSE AND retention_chosen = TRUE")
        .mapTo(Integer.class).list());
    for (int days : customDays) {
      cuts.add(new ChatCut("""
          SELECT c.id, c.last_activity_at FROM conversations c JOIN subject_settings s ON s.subject_id = c.subject_id
          WHERE s.retention_chosen = TRUE AND s.keep_chats = FALSE AND s.chat_retention_days = :days
            AND c.last_activity_at < :cutoff""",
          asOf.minus(Duration.ofDays(days)), days));
    }
    return cuts;
  }

  /**
   * Deletes the selected conversations a batch at a time, paging by (last activity, id) from where
   * the last batch ended (an index leads with them, V17), so no batch rescans rows an earlier one
   * passed or deleted. Each batch reads its message ids once and deletes ratings and messages by them.
   */
  private int deleteConversations(String select, Instant cutoff, Integer days) {
    record Key(UUID id, Instant at) {}
    Key[] after = {new Key(new UUID(0, 0), Instant.EPOCH)};
    return inBatches("chats", () -> {
      List<Key> keys = jdbi.withHandle(h -> h.createQuery(select + """

              AND c.last_activity_at >= :afterAt AND (c.last_activity_at > :afterAt OR c.id > :afterId)
            ORDER BY c.last_activity_at, c.id LIMIT :limit""")
          .bind("cutoff", cutoff).bind("days", days).bind("afterAt", after[0].at()).bind("afterId", after[0].id())
          .bind("limit", pacing.batchSize())
          .map((rs, ctx) -> new Key(rs.getObject(1, UUID.class), rs.getObject(2, java.time.OffsetDateTime.class).toInstant()))
          .list());
      if (keys.isEmpty()) {
        return Batch.NONE;
      }
      after[0] = keys.get(keys.size() - 1);
      return jdbi.inTransaction(h -> {
        // Locked and checked again first: a turn writing into one of these either committed before
        // (its activity now keeps the chat) or waits for this batch and then finds the chat gone,
        // so no answer lands in a conversation this sweep deletes (P03, P04).
        List<UUID> ids = h.createQuery("SELECT id FROM conversations WHERE id IN (<ids>) AND last_activity_at < :cutoff FOR UPDATE")
            .bindList("ids", keys.stream().map(Key::id).toList()).bind("cutoff", cutoff).mapTo(UUID.class).list();
        if (ids.isEmpty()) {
          // Every chat of the page became active meanwhile; the pass goes on with the next page.
          return new Batch(0, keys.size());
        }
        List<UUID> messages = h.createQuery("SELECT id FROM messages WHERE conversation_id IN (<ids>)")
            .bindList("ids", ids).mapTo(UUID.class).list();
        int rows = 0;
        for (int from = 0; from < messages.size(); from += IDS_PER_STATEMENT) {
          List<UUID> part = messages.subList(from, Math.min(messages.size(), from + IDS_PER_STATEMENT));
          rows += h.createUpdate("DELETE FROM message_feedback WHERE message_id IN (<ids>)").bindList("ids", part).execute();
          rows += h.createUpdate("DELETE FROM messages WHERE id IN (<ids>)").bindList("ids", part).execute();
        }
        rows += h.createUpdate("DELETE FROM comparisons WHERE conversation_id IN (<ids>)").bindList("ids", ids).execute();
        int conversations = h.createUpdate("DELETE FROM conversations WHERE id IN (<ids>)").bindList("ids", ids).execute();
        return new Batch(conversations, rows + conversations);
      });
    });
  }

  /** P07: usage records older than the usage retention (two years by default). */
  int expireUsage(Instant asOf) {
    return deleteOlderThan("usage", "usage_records", "created_at", asOf.minus(usageRetention));
  }

  private static final List<String> SESSION_TABLES = List.of("sessions", "staff_sessions");
  private static final String SESSION_ENDED = "(expires_at < :cutoff OR revoked_at < :cutoff)";

  private int deleteEndedSessions(String table, Instant cutoff) {
    return inBatches(table, () -> Batch.of(jdbi.withHandle(h -> h.createUpdate("DELETE FROM " + table
            + " WHERE session_hash IN (SELECT session_hash FROM " + table + " WHERE " + SESSION_ENDED
            + " ORDER BY session_hash LIMIT :limit)")
        .bind("cutoff", cutoff).bind("limit", pacing.batchSize()).execute())));
  }

  private int deleteOlderThan(String sweep, String table, String column, Instant cutoff) {
    return inBatches(sweep, () -> Batch.of(jdbi.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE id IN (SELECT id FROM "
            + table + " WHERE " + column + " < :cutoff ORDER BY id LIMIT :limit)")
        .bind("cutoff", cutoff).bind("limit", pacing.batchSize()).execute())));
  }

  /** P25, P32: every remaining row of an erased subject is deleted; usage is kept under the tombstone. */
  int purgeErased(Instant asOf) {
    record Pending(UUID subject, UUID tombstone) {}
    List<Pending> pending = jdbi.withHandle(h -> h.createQuery("SELECT subject_id, tombstone FROM erasure_ledger WHERE purged_at IS NULL")
        .map((rs, ctx) -> new Pending(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list());
    for (Pending p : pending) {
      purge(p.subject(), p.tombstone(), asOf);
    }
    return pending.size();
  }

  /**
   * Purges one erased subject now instead of within the window: for a child's account found
   * under the minimum age (P34), nothing waits.
   */
  public void purgeNow(UUID subject) {
    UUID tombstone = jdbi.withHandle(h -> h.createQuery("SELECT tombstone FROM erasure_ledger WHERE subject_id = :s")
        .bind("s", subject).mapTo(UUID.class).findOne())
        .orElseThrow(() -> new IllegalStateException("purgeNow is for erased subjects only"));
    purge(subject, tombstone, clock.instant());
  }

  private void purge(UUID subject, UUID tombstone, Instant at) {
    for (String table : SUBJECT_TABLES) {
      deleteInBatches(table, subject);
    }
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE usage_records SET subject_id = :t, api_key_id = NULL WHERE subject_id = :s")
          .bind("t", tombstone).bind("s", subject).execute();
      h.createUpdate("UPDATE erasure_ledger SET purged_at = :at WHERE subject_id = :s").bind("at", at).bind("s", subject).execute();
      alsoForget.accept(h, subject);
    });
    observer.committed("purged", 1);
  }

  private void deleteInBatches(String table, UUID subject) {
    String key = switch (table) {
      case "message_feedback" -> "message_id";
      case "sessions" -> "session_hash";
      case "api_keys" -> "key_id";
      case "accounts", "subject_keys", "subject_settings", "email_verifications" -> "subject_id";
      case "request_verifications", "request_reminders", "export_chunks" -> "request_id";
      default -> "id";
    };
    inBatches("purge:" + table, () -> Batch.of(jdbi.withHandle((Handle h) -> h.createUpdate("DELETE FROM " + table + " WHERE " + key + " IN (SELECT "
            + key + " FROM " + table + " WHERE subject_id = :s LIMIT :limit)")
        .bind("s", subject).bind("limit", pacing.batchSize()).execute())));
  }
}
