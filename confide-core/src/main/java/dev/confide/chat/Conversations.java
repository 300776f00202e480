package dev.confide.chat;

import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import dev.confide.store.DeletionJournal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Storage of conversations and messages, every query scoped to one subject: an id that belongs to
 * someone else is simply not found. Titles and message contents are sealed with the subject's key.
 */
public final class Conversations {
  static final int TITLE_LENGTH = 80;

  private final Jdbi jdbi;
  private final SubjectKeys subjectKeys;
  private final Clock clock;
  private final DeletionJournal deletions;

  public Conversations(Jdbi jdbi, SubjectKeys subjectKeys, Clock clock) {
    this(jdbi, subjectKeys, DeletionJournal.none(), clock);
  }

  /** {@code deletions} records every deletion before it commits, so a restored backup can be made to forget again. */
  public Conversations(Jdbi jdbi, SubjectKeys subjectKeys, DeletionJournal deletions, Clock clock) {
    this.jdbi = jdbi;
    this.subjectKeys = subjectKeys;
    this.deletions = deletions;
    this.clock = clock;
  }

  /** A raw conversation row: ownership is established, nothing is opened yet. */
  record Row(UUID id, UUID subject, UUID head, Instant createdAt, Instant lastActivityAt, byte[] title) {}

  UUID create(Handle h, UUID subject, String firstText) {
    return create(h, subject, firstText, null);
  }

  /**
   * A new conversation whose branch already ends at {@code head}, a message the caller inserts in
   * the same transaction: one statement fewer than creating it empty and moving its head.
   */
  UUID create(Handle h, UUID subject, String firstText, UUID head) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    String title = firstText.strip().replaceAll("\\s+", " ");
    if (title.codePointCount(0, title.length()) > TITLE_LENGTH) {
      title = title.substring(0, title.offsetByCodePoints(0, TITLE_LENGTH - 1)) + "…";
    }
    h.createUpdate("""
            INSERT INTO conversations (id, subject_id, title_sealed, head_message_id, created_at, last_activity_at)
            VALUES (:id, :subject, :title, :head, :now, :now)""")
        .bind("id", id).bind("subject", subject).bind("head", head)
        .bind("title", sealer(subject).sealString(FieldRef.of("conversations", "title", id), title.isEmpty() ? "New chat" : title))
        .bind("now", now).execute();
    return id;
  }

  Row require(Handle h, UUID subject, UUID conversation) {
    return h.createQuery("""
            SELECT id, subject_id, head_message_id, created_at, last_activity_at, title_sealed
            FROM conversations WHERE id = :id AND subject_id = :subject""")
        .bind("id", conversation).bind("subject", subject)
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
            instant(rs.getObject(4, OffsetDateTime.class)), instant(rs.getObject(5, OffsetDateTime.class)), rs.getBytes(6)))
        .findOne()
        .orElseThrow(() -> Problem.notFound("no such conversation"));
  }

  Row require(UUID subject, UUID conversation) {
    return jdbi.withHandle(h -> require(h, subject, conversation));
  }

  /** Stores a message sealed; it does not move the head. */
  UUID insertMessage(Handle h, UUID subject, UUID conversation, UUID parent, String role, String content, String model,
      String status) {
    return insertMessage(h, UUID.randomUUID(), subject, conversation, parent, role, content, model, status);
  }

  /** As above, under an id chosen beforehand (to be named as a new conversation's head). */
  UUID insertMessage(Handle h, UUID id, UUID subject, UUID conversation, UUID parent, String role, String content,
      String model, String status) {
    h.createUpdate("""
            INSERT INTO messages (id, subject_id, conversation_id, parent_id, role, content_sealed, model, status, created_at)
            VALUES (:id, :subject, :conversation, :parent, :role, :content, :model, :status, :now)""")
        .bind("id", id).bind("subject", subject).bind("conversation", conversation).bind("parent", parent)
        .bind("role", role).bind("content", sealer(subject).sealString(contentField(id), content))
        .bind("model", model).bind("status", status).bind("now", clock.instant())
        .execute();
    return id;
  }

  /**
   * Locks the subject's conversation for the rest of the transaction; false when it is not there
   * (any more). Every write into a conversation starts here and deletion locks
   * the same row first, so a turn that ends after its chat was deleted stores nothing instead of
   * leaving messages no list, sweep or export would find (P03).
   */
  boolean lockForWrite(Handle h, UUID subject, UUID conversation) {
    return h.createQuery("SELECT id FROM conversations WHERE id = :id AND subject_id = :s FOR UPDATE")
        .bind("id", conversation).bind("s", subject).mapTo(UUID.class).findOne().isPresent();
  }

  /** As {@link #lockForWrite}, for a write the caller asked for: a conversation that is gone is not found. */
  void requireForWrite(Handle h, UUID subject, UUID conversation) {
    if (!lockForWrite(h, subject, conversation)) {
      throw Problem.notFound("no such conversation");
    }
  }

  void moveHead(Handle h, UUID conversation, UUID head) {
    h.createUpdate("UPDATE conversations SET head_message_id = :head, last_activity_at = :now WHERE id = :id")
        .bind("head", head).bind("now", clock.instant()).bind("id", conversation).execute();
  }

  /** The subject's message with its conversation, or not found. */
  StoredMessage requireMessage(UUID subject, UUID message) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, conversation_id, parent_id, role, content_sealed, model, status, created_at
            FROM messages WHERE id = :id AND subject_id = :subject""")
        .bind("id", message).bind("subject", subject)
        .map((rs, ctx) -> open(subject, rs))
        .findOne())
        .orElseThrow(() -> Problem.notFound("no such message"));
  }

  /** The path from the root to {@code tip}, oldest first. */
  List<StoredMessage> pathTo(UUID subject, UUID conversation, UUID tip) {
    if (tip == null) {
      return List.of();
    }
    Map<UUID, MessageRow> all = rows(subject, conversation);
    List<StoredMessage> path = new ArrayList<>();
    Sealer sealer = sealer(subject);
    for (MessageRow row = all.get(tip); row != null; row = row.parent() == null ? null : all.get(row.parent())) {
      path.add(row.open(sealer, conversation));
    }
    Collections.reverse(path);
    return path;
  }

  public ConversationView view(UUID subject, UUID conversation) {
    Row row = require(subject, conversation);
    Map<UUID, MessageRow> all = rows(subject, conversation);
    Map<UUID, String> ratings = new HashMap<>();
    jdbi.useHandle(h -> h.createQuery("""
            SELECT f.message_id, f.rating FROM message_feedback f JOIN messages m ON m.id = f.message_id
            WHERE m.conversation_id = :c AND f.subject_id = :s""")
        .bind("c", conversation).bind("s", subject)
        .map((rs, ctx) -> Map.entry(rs.getObject(1, UUID.class), rs.getString(2)))
        .forEach(e -> ratings.put(e.getKey(), e.getValue())));
    Sealer sealer = sealer(subject);
    // Versions of a turn are the messages sharing its parent and role; grouped once, so the walk
    // along the branch stays linear in the conversation's length.
    record TurnKey(UUID parent, String role) {}
    Map<TurnKey, List<MessageRow>> siblingsOf = new HashMap<>();
    for (MessageRow m : all.values()) {
      siblingsOf.computeIfAbsent(new TurnKey(m.parent(), m.role()), k -> new ArrayList<>()).add(m);
    }
    siblingsOf.values().forEach(list -> list.sort(java.util.Comparator.comparingLong(MessageRow::seq)));
    List<ConversationView.Turn> turns = new ArrayList<>();
    for (MessageRow m = row.head() == null ? null : all.get(row.head()); m != null; m = m.parent() == null ? null : all.get(m.parent())) {
      List<MessageRow> siblings = siblingsOf.get(new TurnKey(m.parent(), m.role()));
      turns.add(new ConversationView.Turn(m.open(sealer, conversation), siblings.indexOf(m) + 1, siblings.size(), ratings.get(m.id())));
    }
    Collections.reverse(turns);
    return new ConversationView(row.id(), sealer.openString(FieldRef.of("conversations", "title", row.id()), row.title()),
        row.createdAt(), row.lastActivityAt(), turns);
  }

  /** The subject's conversations, newest activity first, {@code limit} at a time. */
  public Page<ConversationSummary> list(UUID subject, int limit, String cursor) {
    Cursor after = Cursor.decode(cursor);
    List<ConversationSummary> items = jdbi.withHandle(h -> h.createQuery("""
            SELECT id, title_sealed, created_at, last_activity_at FROM conversations
            WHERE subject_id = :subject
              AND (:hasCursor = FALSE OR last_activity_at < :at OR (last_activity_at = :at AND id < :id))
            ORDER BY last_activity_at DESC, id DESC
            LIMIT :limit""")
        .bind("subject", subject)
        .bind("hasCursor", after != null)
        .bind("at", after == null ? Instant.EPOCH : after.at())
        .bind("id", after == null ? new UUID(0, 0) : after.id())
        .bind("limit", limit + 1)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          return new ConversationSummary(id, sealer(subject).openString(FieldRef.of("conversations", "title", id), rs.getBytes(2)),
              instant(rs.getObject(3, OffsetDateTime.class)), instant(rs.getObject(4, OffsetDateTime.class)));
        })
        .list());
    if (items.size() <= limit) {
      return new Page<>(items, null);
    }
    ConversationSummary last = items.get(limit - 1);
    return new Page<>(items.subList(0, limit), new Cursor(last.lastActivityAt(), last.id()).encode());
  }

  /** A conversation as the access archive lists it: its summary and the tip of its current branch. */
  public record Listed(ConversationSummary summary, UUID head) {}

  /**
   * The subject's conversations in id order, {@code limit} of them after {@code after} (null: from
   * the first), each with its head: pages for the access archive, which walks them all.
   */
  public List<Listed> listAfter(UUID subject, UUID after, int limit) {
    Sealer sealer = sealer(subject);
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, title_sealed, created_at, last_activity_at, head_message_id FROM conversations
            WHERE subject_id = :subject AND (:hasAfter = FALSE OR id > :after)
            ORDER BY id LIMIT :limit""")
        .bind("subject", subject).bind("hasAfter", after != null).bind("after", after == null ? new UUID(0, 0) : after)
        .bind("limit", limit)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          return new Listed(new ConversationSummary(id, sealer.openString(FieldRef.of("conversations", "title", id), rs.getBytes(2)),
              instant(rs.getObject(3, OffsetDateTime.class)), instant(rs.getObject(4, OffsetDateTime.class))),
              rs.getObject(5, UUID.class));
        })
        .list());
  }

  /** One stored version of a message, with the subject's rating of it (null if none). */
  public record Version(StoredMessage message, String rating) {}

  /** Receives versions as they are read. */
  @FunctionalInterface
  public interface VersionConsumer<X extends Exception> {
    void accept(Version version) throws X;
  }

  /** Versions read per query when walking a conversation's versions. */
  private static final int VERSION_PAGE = 256;
  /** Bound on the ids bound into one statement. */
  private static final int IDS_PER_STATEMENT = 1000;

  /**
   * Every version of every message in the conversation, in the order they were written, each read
   * and opened once and handed over in pages of {@value #VERSION_PAGE} (by key, no transaction held
   * open), so even a very long conversation is never held in memory whole.
   */
  public <X extends Exception> void forEachVersion(UUID subject, UUID conversation, VersionConsumer<X> consumer) throws X {
    Sealer sealer = sealer(subject);
    long after = Long.MIN_VALUE;
    while (true) {
      long from = after;
      record Read(long seq, Version version) {}
      List<Read> page = jdbi.withHandle(h -> h.createQuery("""
              SELECT m.id, m.parent_id, m.role, m.content_sealed, m.model, m.status, m.created_at, f.rating, m.seq
              FROM messages m LEFT JOIN message_feedback f ON f.message_id = m.id
              WHERE m.conversation_id = :c AND m.subject_id = :s AND m.seq > :after ORDER BY m.seq LIMIT :limit""")
          .bind("c", conversation).bind("s", subject).bind("after", from).bind("limit", VERSION_PAGE)
          .map((rs, ctx) -> {
            UUID id = rs.getObject(1, UUID.class);
            return new Read(rs.getLong(9), new Version(new StoredMessage(id, conversation, rs.getObject(2, UUID.class), rs.getString(3),
                sealer.openString(contentField(id), rs.getBytes(4)), rs.getString(5), rs.getString(6),
                instant(rs.getObject(7, OffsetDateTime.class))), rs.getString(8)));
          })
          .list());
      for (Read read : page) {
        consumer.accept(read.version());
      }
      if (page.size() < VERSION_PAGE) {
        return;
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  /** Deletes the conversation and everything in it (P03); false when it is not the subject's. */
  public boolean delete(UUID subject, UUID conversation) {
    return jdbi.inTransaction(h -> {
      int deleted = deleteWhere(h, "id = :c AND subject_id = :s", conversation, subject, null);
      if (deleted > 0) {
        deletions.record(new DeletionJournal.Deletion(
            DeletionJournal.Kind.CONVERSATION, subject, conversation, clock.instant()));
      }
      return deleted;
    }) > 0;
  }

  /** Deletes every conversation of the subject (P03); returns how many. */
  public int deleteAll(UUID subject) {
    Instant now = clock.instant();
    return jdbi.inTransaction(h -> {
      int deleted = deleteWhere(h, "subject_id = :s", null, subject, null);
      if (deleted > 0) {
        deletions.record(new DeletionJournal.Deletion(
            DeletionJournal.Kind.ALL_CONVERSATIONS, subject, null, now));
      }
      return deleted;
    });
  }

  /**
   * After a restore: deletes again the conversations the journal lists (for "all", those created by
   * then). Records nothing new. Returns how many came back and were deleted.
   */
  public int reapply(List<DeletionJournal.Deletion> journal) {
    int deleted = 0;
    for (DeletionJournal.Deletion d : journal) {
      deleted += switch (d.kind()) {
        case CONVERSATION -> jdbi.inTransaction(h -> deleteWhere(h, "id = :c AND subject_id = :s", d.id(), d.subject(), null));
        case ALL_CONVERSATIONS -> jdbi.inTransaction(h -> deleteWhere(h, "subject_id = :s AND created_at <= :before", null,
            d.subject(), d.at()));
        case API_KEY -> 0;
      };
    }
    return deleted;
  }

  private static int deleteWhere(Handle h, String where, UUID conversation, UUID subject, Instant before) {
    // The conversations are locked before anything goes: a turn storing into one of them finishes
    // first (and its rows are deleted below) or waits and then finds the conversation gone.
    List<UUID> ids = h.createQuery("SELECT id FROM conversations WHERE " + where + " FOR UPDATE")
        .bind("c", conversation).bind("s", subject).bind("before", before).mapTo(UUID.class).list();
    for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
      List<UUID> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
      h.createUpdate("DELETE FROM message_feedback WHERE message_id IN (SELECT id FROM messages WHERE conversation_id IN (<ids>))")
          .bindList("ids", part).execute();
      h.createUpdate("DELETE FROM comparisons WHERE conversation_id IN (<ids>)").bindList("ids", part).execute();
      h.createUpdate("DELETE FROM messages WHERE conversation_id IN (<ids>)").bindList("ids", part).execute();
      h.createUpdate("DELETE FROM conversations WHERE id IN (<ids>)").bindList("ids", part).execute();
    }
    return ids.size();
  }

  Sealer sealer(UUID subject) {
    return subjectKeys.sealer(subject);
  }

  static FieldRef contentField(UUID message) {
    return FieldRef.of("messages", "content", message);
  }

  /** {@code seq} orders versions by insertion, even when two share a timestamp. */
  private record MessageRow(UUID id, long seq, UUID parent, String role, byte[] content, String model, String status,
      Instant createdAt) {
    StoredMessage open(Sealer sealer, UUID conversation) {
      return new StoredMessage(id, conversation, parent, role, sealer.openString(contentField(id), content), model, status, createdAt);
    }
  }

  private Map<UUID, MessageRow> rows(UUID subject, UUID conversation) {
    Map<UUID, MessageRow> rows = new HashMap<>();
    jdbi.useHandle(h -> h.createQuery("""
            SELECT id, seq, parent_id, role, content_sealed, model, status, created_at
            FROM messages WHERE conversation_id = :c AND subject_id = :s""")
        .bind("c", conversation).bind("s", subject)
        .map((rs, ctx) -> new MessageRow(rs.getObject(1, UUID.class), rs.getLong(2), rs.getObject(3, UUID.class), rs.getString(4),
            rs.getBytes(5), rs.getString(6), rs.getString(7), instant(rs.getObject(8, OffsetDateTime.class))))
        .forEach(r -> rows.put(r.id(), r)));
    return rows;
  }

  private StoredMessage open(UUID subject, java.sql.ResultSet rs) throws java.sql.SQLException {
    UUID id = rs.getObject(1, UUID.class);
    return new StoredMessage(id, rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getString(4),
        sealer(subject).openString(contentField(id), rs.getBytes(5)), rs.getString(6), rs.getString(7),
        instant(rs.getObject(8, OffsetDateTime.class)));
  }

  private static Instant instant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  /** Opaque keyset-pagination cursor: the last item's activity time and id. */
  private record Cursor(Instant at, UUID id) {
    String encode() {
      ByteBuffer b = ByteBuffer.allocate(8 + 4 + 16).putLong(at.getEpochSecond()).putInt(at.getNano())
          .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    static Cursor decode(String cursor) {
      if (cursor == null || cursor.isEmpty()) {
        return null;
      }
      try {
        ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII)));
        return new Cursor(Instant.ofEpochSecond(b.getLong(), b.getInt()), new UUID(b.getLong(), b.getLong()));
      } catch (RuntimeException e) {
        throw Problem.invalid("invalid_cursor", "cursor is not one this API returned");
      }
    }
  }
}
