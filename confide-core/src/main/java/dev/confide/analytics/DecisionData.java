package dev.confide.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.confide.chat.DecisionEvent;
import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.models.ChatMessage;
import dev.confide.pii.PiiDetector;
import dev.confide.pii.PiiEntity;
import dev.confide.pii.PiiShield;
import dev.confide.pii.Redaction;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anonymized decision data (P05): when a subject decides between compared answers, and only if the
 * subject has data collection on, is not restricted (P26) and has not objected to analytics or
 * product improvement (P28), the conversation leading up to the decision is stored — without the
 * compared answers, with personal data replaced by type placeholders, without any subject link and
 * with the time cut to the day — together with the two models and the choice. It cannot be traced
 * back to the subject, so it is neither deletable by them nor erased with them.
 */
public final class DecisionData implements DecisionEvent.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionData.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final SubjectSettings settings;
  private final PiiDetector detector;

  /** One stored decision. */
  public record Record(LocalDate decidedOn, String modelA, String modelB, String choice, String conversationJson) {}

  public DecisionData(Jdbi jdbi, SubjectSettings settings, PiiDetector detector) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.detector = detector;
  }

  @Override
  public void onDecision(DecisionEvent event) {
    Settings s = settings.get(event.subject());
    if (!s.dataCollection() || s.restricted() || s.objectsTo("analytics") || s.objectsTo("product_improvement")) {
      return;
    }
    ArrayNode conversation = JSON.createArrayNode();
    try {
      List<ChatMessage> before = event.conversationBefore();
      // Over the whole conversation: a name found in one message is replaced wherever else it appears.
      List<List<PiiEntity>> found = PiiShield.detectAcross(detector, before.stream().map(ChatMessage::content).toList());
      for (int i = 0; i < before.size(); i++) {
        conversation.addObject().put("role", before.get(i).role())
            .put("content", Redaction.replaceWithTypes(before.get(i).content(), found.get(i)));
      }
    } catch (RuntimeException e) {
      // Fail closed: without redaction nothing is stored. The decision itself stands.
      LOG.warn("decision data not stored: redaction failed ({})", e.getClass().getSimpleName());
      return;
    }
    jdbi.useHandle(h -> h.createUpdate(INSERT)
        .bind("id", UUID.randomUUID()).bind("settled", false)
        .bind("day", LocalDate.ofInstant(event.decidedAt(), ZoneOffset.UTC))
        .bind("a", event.modelA()).bind("b", event.modelB()).bind("choice", event.choice())
        .bind("conversation", conversation.toString())
        .execute());
  }

  /** How often each pair of models met with each choice; what the {@link Leaderboard} ranks from. */
  public java.util.List<Leaderboard.Tally> tallies() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT model_a, model_b, choice, COUNT(*) FROM decision_records GROUP BY model_a, model_b, choice")
        .map((rs, ctx) -> new Leaderboard.Tally(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
        .list());
  }

  private static final String INSERT = """
      INSERT INTO decision_records (id, decided_on, model_a, model_b, choice, conversation, settled)
      VALUES (:id, :day, :a, :b, :choice, :conversation, :settled)""";

  /** Records rewritten per transaction by {@link #settleBefore}. */
  static final int SETTLE_BATCH = 500;

  /**
   * Rewrites the records of days before {@code today} in random order, so where a record sits in
   * storage no longer says in which order that day's decisions were made: that order could be
   * matched against the comparisons a subject made (their own rows, with exact times). Batches are
   * drawn by the records' random ids, not by insertion order. Run by the retention job; idempotent.
   *
   * @return how many records were settled
   */
  public int settleBefore(LocalDate today, java.util.Random random) {
    int settled = 0;
    while (true) {
      int n = jdbi.inTransaction(h -> {
        List<java.util.Map<String, Object>> rows = h.createQuery("""
                SELECT id, decided_on, model_a, model_b, choice, conversation FROM decision_records
                WHERE settled = FALSE AND decided_on < :today ORDER BY id LIMIT :batch""")
            .bind("today", today).bind("batch", SETTLE_BATCH)
            .map((rs, ctx) -> java.util.Map.<String, Object>of("id", rs.getObject(1, UUID.class), "day", rs.getObject(2, LocalDate.class),
                "a", rs.getString(3), "b", rs.getString(4), "choice", rs.getString(5), "conversation", rs.getString(6)))
            .list();
        if (rows.isEmpty()) {
          return 0;
        }
        List<java.util.Map<String, Object>> shuffled = new java.util.ArrayList<>(rows);
        java.util.Collections.shuffle(shuffled, random);
        h.createUpdate("DELETE FROM decision_records WHERE id IN (<ids>)")
            .bindList("ids", rows.stream().map(r -> r.get("id")).toList()).execute();
        var insert = h.prepareBatch(INSERT);
        // A new id too: the old one was drawn when the record was written, and might be logged somewhere.
        shuffled.forEach(r -> insert.bindMap(r).bind("id", UUID.randomUUID()).bind("settled", true).add());
        insert.execute();
        return rows.size();
      });
      settled += n;
      if (n < SETTLE_BATCH) {
        return settled;
      }
    }
  }

  public java.util.List<Record> all() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT decided_on, model_a, model_b, choice, conversation FROM decision_records ORDER BY decided_on, id")
        .map((rs, ctx) -> new Record(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
        .list());
  }
}
