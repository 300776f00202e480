package dev.confide.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.analytics.Epsilon;
import dev.confide.analytics.PrivacyBudget;
import dev.confide.analytics.PrivacyBudgetExceededException;
import dev.confide.analytics.PrivateStatistics;
import dev.confide.analytics.SubjectRow;
import dev.confide.chat.ConversationSummary;
import dev.confide.chat.ConversationView;
import dev.confide.chat.Conversations;
import dev.confide.chat.Page;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.CannotOpenException;
import dev.confide.disclosure.DisclosureGate;
import dev.confide.disclosure.Flow;
import dev.confide.disclosure.Purposes;
import dev.confide.identity.Accounts;
import dev.confide.pii.PiiDetector;
import dev.confide.pii.Pseudonymizer;
import dev.confide.problem.Problem;
import java.io.IOException;
import java.io.Writer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes conversations for model training as JSON lines, one conversation a line:
 * {@code {"subject": "s_…", "conversation": "c_…", "messages": [{"role", "content"}]}}.
 *
 * <ul>
 *   <li>Only subjects who allow it: not opted out of training (P12), not restricted (P26), no
 *       objection to training (P28), not a HIPAA account (P31). Read at export time, so an opt-out
 *       takes effect for the next export.
 *   <li>Every message has its personal data replaced by pseudonyms consistent within the
 *       conversation ({@code <PERSON_1>}); only complete messages of the current branch go out.
 *   <li>No subject or conversation ids: each export draws fresh random pseudonyms.
 *   <li>The summary's counts carry DP noise (P13); the budget is checked before anything is written
 *       and a release it cannot pay for is refused.
 *   <li>The export goes to the processor that trains models, through the disclosure gate (P14,
 *       P36): one flow of chat history per subject, counting their conversations. An export the
 *       registry does not allow (no processor, or one not registered for training — the policy
 *       does not use content for training) is refused before anything is written; a subject the
 *       gate refuses, e.g. in the EU/EEA with a processor outside it without a safeguard, is left
 *       out.
 * </ul>
 */
public final class TrainingExport {
  public static final String BUDGET_PURPOSE = "training-export-summary";
  private static final int STATISTICS = 3;
  private static final int MAX_CONVERSATIONS_PER_SUBJECT = 200;
  private static final int MAX_MESSAGES_PER_SUBJECT = 5_000;
  /** What the export carries: conversations, pseudonymized. */
  public static final String CATEGORY = "chat_history";
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final Conversations conversations;
  private final SubjectSettings settings;
  private final Accounts accounts;
  private final PiiDetector detector;
  private final PrivacyBudget budget;
  private final Epsilon totalBudget;
  private final DisclosureGate gate;
  private final String processor;
  private final SecureRandom random = new SecureRandom();

  /** What an export wrote: noisy counts (safe to publish) and the ε each count cost. */
  public record Summary(long subjects, long conversations, long messages, Epsilon epsilonPerCount) {}

  /** @param processor the processor receiving the export; null when the policy names none (every export is refused) */
  public TrainingExport(Jdbi jdbi, Conversations conversations, SubjectSettings settings, Accounts accounts,
      PiiDetector detector, PrivacyBudget budget, Epsilon totalBudget, DisclosureGate gate, String processor) {
    this.jdbi = jdbi;
    this.conversations = conversations;
    this.settings = settings;
    this.accounts = accounts;
    this.detector = detector;
    this.budget = budget;
    this.totalBudget = totalBudget;
    this.gate = gate;
    this.processor = processor;
  }

  /**
   * Writes the export to {@code out} and returns its summary.
   *
   * @throws Problem {@code unregistered_flow} or {@code privacy_budget_exhausted} before writing
   *     anything, when no processor may receive training data or the summary's counts cannot be
   *     paid for
   */
  public Summary export(Writer out, Epsilon epsilonPerCount) throws IOException {
    if (processor == null) {
      throw new Problem(Problem.Kind.FORBIDDEN, "unregistered_flow",
          "no processor receives training data: set training.processor to one the policy registers for training");
    }
    gate.requireRegistered(processor, Purposes.TRAINING, CATEGORY);
    try {
      budget.define(BUDGET_PURPOSE, totalBudget);
    } catch (IllegalStateException e) {
      throw new Problem(Problem.Kind.CONFLICT, "privacy_budget_fixed",
          "the training-export privacy budget was defined with another total; budgets are never raised or reset");
    }
    long remaining = budget.balance(BUDGET_PURPOSE).map(PrivacyBudget.Balance::remainingEpsilonMicros).orElse(0L);
    if (remaining < STATISTICS * epsilonPerCount.micros()) {
      throw new Problem(Problem.Kind.CONFLICT, "privacy_budget_exhausted",
          "the privacy budget for training-export statistics cannot pay for another export");
    }
    List<SubjectRow> subjectRows = new ArrayList<>();
    List<SubjectRow> conversationRows = new ArrayList<>();
    List<SubjectRow> messageRows = new ArrayList<>();
    List<UUID> written = new ArrayList<>();
    for (UUID subject : subjects()) {
      if (!stillExportable(subject)) {
        continue;
      }
      String pseudonym = "s_" + randomHex(8);
      List<Line> lines;
      try {
        lines = lines(subject, pseudonym);
      } catch (CannotOpenException | Problem e) {
        if (e instanceof Problem p && p.kind() != Problem.Kind.NOT_FOUND) {
          throw e;
        }
        continue; // erased (key gone) or a chat deleted while we read it: nothing of theirs goes
      }
      // Read again right before writing: what changed while their conversations were read counts.
      if (lines.isEmpty() || !stillExportable(subject)
          || !gate.passes(Flow.of(processor, Purposes.TRAINING, CATEGORY, subject, lines.size()))) {
        continue;
      }
      written.add(subject);
      subjectRows.add(new SubjectRow(pseudonym, 1));
      for (Line line : lines) {
        out.write(line.json());
        out.write('\n');
        conversationRows.add(new SubjectRow(pseudonym, 1));
        for (int i = 0; i < line.messages(); i++) {
          messageRows.add(new SubjectRow(pseudonym, 1));
        }
      }
    }
    out.flush();
    // A subject erased, opted out or restricted after their lines were written: the file must not be
    // published. Refused as a whole (the caller discards it) rather than patched; a new run leaves them out.
    long changed = written.stream().filter(subject -> !stillExportable(subject)).count();
    if (changed > 0) {
      throw new Problem(Problem.Kind.CONFLICT, "export_outdated", changed + " subject(s) erased or withdrew from training"
          + " while the export ran; nothing may be published from it, run it again");
    }
    try {
      return summarize(subjectRows, conversationRows, messageRows, epsilonPerCount);
    } catch (PrivacyBudgetExceededException e) {
      // Another export spent the budget after our check: the counts are refused, nothing overspent.
      throw new Problem(Problem.Kind.CONFLICT, "privacy_budget_exhausted",
          "the privacy budget for training-export statistics ran out during this export");
    }
  }

  private Summary summarize(List<SubjectRow> subjectRows, List<SubjectRow> conversationRows, List<SubjectRow> messageRows,
      Epsilon epsilonPerCount) {
    return new Summary(
        new PrivateStatistics(budget, BUDGET_PURPOSE, 1).count("training export: subjects", subjectRows, epsilonPerCount),
        new PrivateStatistics(budget, BUDGET_PURPOSE, MAX_CONVERSATIONS_PER_SUBJECT)
            .count("training export: conversations", conversationRows, epsilonPerCount),
        new PrivateStatistics(budget, BUDGET_PURPOSE, MAX_MESSAGES_PER_SUBJECT)
            .count("training export: messages", messageRows, epsilonPerCount),
        epsilonPerCount);
  }

  /** The subject still has an account whose conversations may be used for training. */
  private boolean stillExportable(UUID subject) {
    return accounts.exists(subject) && !accounts.isHipaa(subject) && settings.get(subject).allowsTraining();
  }

  private List<Line> lines(UUID subject, String pseudonym) throws IOException {
    List<Line> lines = new ArrayList<>();
    String cursor = null;
    do {
      Page<ConversationSummary> page = conversations.list(subject, 100, cursor);
      for (ConversationSummary summary : page.items()) {
        Line line = conversationLine(subject, summary.id(), pseudonym);
        if (line != null) {
          lines.add(line);
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return lines;
  }

  /** One conversation's JSON line and how many messages it holds. */
  private record Line(String json, int messages) {}

  /** The conversation as a line of the export, or null when it has no complete message to export. */
  private Line conversationLine(UUID subject, UUID conversation, String subjectPseudonym) throws IOException {
    ConversationView view = conversations.view(subject, conversation);
    Pseudonymizer pseudonyms = new Pseudonymizer();
    ObjectNode line = JSON.createObjectNode().put("subject", subjectPseudonym).put("conversation", "c_" + randomHex(8));
    ArrayNode messages = line.putArray("messages");
    List<ConversationView.Turn> exported = view.messages().stream()
        .filter(turn -> "complete".equals(turn.message().status()) && ROLES.contains(turn.message().role())).toList();
    // Over the whole conversation: a name found in one message is pseudonymized wherever else it appears.
    List<List<dev.confide.pii.PiiEntity>> found = dev.confide.pii.PiiShield.detectAcross(detector,
        exported.stream().map(turn -> turn.message().content()).toList());
    for (int i = 0; i < exported.size(); i++) {
      String content = exported.get(i).message().content();
      messages.addObject().put("role", exported.get(i).message().role()).put("content", pseudonyms.pseudonymize(content, found.get(i)));
    }
    return messages.isEmpty() ? null : new Line(JSON.writeValueAsString(line), messages.size());
  }

  private List<UUID> subjects() {
    return jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM accounts ORDER BY subject_id").mapTo(UUID.class).list());
  }

  private String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
