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
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO decision_records (id, decided_on, model_a, model_b, choice, conversation)
            VALUES (:id, :day, :a, :b, :choice, :conversation)""")
        .bind("id", UUID.randomUUID())
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

  public java.util.List<Record> all() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT decided_on, model_a, model_b, choice, conversation FROM decision_records ORDER BY decided_on")
        .map((rs, ctx) -> new Record(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
        .list());
  }
}
