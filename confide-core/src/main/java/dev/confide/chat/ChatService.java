package dev.confide.chat;

import dev.confide.analytics.AnonymousEvents;
import dev.confide.disclosure.DisclosureGate;
import dev.confide.disclosure.ModelProviderFlows;
import dev.confide.models.ChatMessage;
import dev.confide.models.ChatRequest;
import dev.confide.models.Completion;
import dev.confide.models.DeltaSink;
import dev.confide.models.ModelCatalog;
import dev.confide.models.ModelProvider;
import dev.confide.models.ProviderException;
import dev.confide.models.TokenCounter;
import dev.confide.models.TokenUsage;
import dev.confide.pii.PiiShield;
import dev.confide.pii.Pseudonymizer;
import dev.confide.pii.ShieldMode;
import dev.confide.pii.ShieldPolicy;
import dev.confide.problem.Problem;
import dev.confide.usage.RateLimiter;
import dev.confide.usage.UsageLedger;
import dev.confide.usage.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs chat turns (DESIGN.md section 3): rate limit → load the conversation → store the user's
 * message sealed → call the provider, streaming → store the answer sealed (or, when the client or
 * the provider gives up midway, what had arrived, marked {@code partial} or {@code failed}) →
 * usage record. Nothing acknowledged is lost: the user's message is committed before the provider
 * is called, and the answer is durable ({@code makeDurable}) before it is returned to be acknowledged. A
 * turn the disclosure gate refuses (P14, P36) is refused on admission, before anything
 * is stored or sent.
 */
public final class ChatService {
  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

  private static final Set<String> CHOICES = Set.of("a", "b", "tie", "both_bad");
  private static final Set<String> RATINGS = Set.of("up", "down");

  /** Who asks and through which door: {@code api} (OpenAI-compatible) or {@code app} (native). */
  public record Caller(UUID subject, UUID apiKeyId, String endpoint) {}

  /** Sampling settings passed through to the provider; null means the provider's default. */
  public record Options(Double temperature, Double topP, Integer maxTokens) {
    public static final Options DEFAULT = new Options(null, null, null);
  }

  /** A finished turn. {@code usage} is the provider's count or, when it gave none, ours. */
  public record Answer(UUID conversationId, UUID userMessageId, UUID messageId, String model, Completion completion,
      TokenUsage usage) {}

  /**
   * A turn whose user message is stored and whose answer is yet to come: the conversation id is
   * known before the first token, so a streaming response can name it in its headers.
   */
  public final class Pending {
    private final Caller caller;
    private final UUID conversationId;
    private final UUID userMessageId;
    private final List<ChatMessage> context;
    private final String model;
    private final ModelProvider provider;
    private final Options options;
    private final Cleared cleared;
    private final long started;
    /** The shield decided on admission, or null to decide right before the call. */
    private final ShieldMode mode;

    private Pending(Caller caller, UUID conversationId, UUID userMessageId, List<ChatMessage> context, String model,
        ModelProvider provider, Options options, Cleared cleared, long started) {
      this(caller, conversationId, userMessageId, context, model, provider, options, cleared, started, null);
    }

    private Pending(Caller caller, UUID conversationId, UUID userMessageId, List<ChatMessage> context, String model,
        ModelProvider provider, Options options, Cleared cleared, long started, ShieldMode mode) {
      this.caller = caller;
      this.conversationId = conversationId;
      this.userMessageId = userMessageId;
      this.context = context;
      this.model = model;
      this.provider = provider;
      this.options = options;
      this.cleared = cleared;
      this.started = started;
      this.mode = mode;
    }

    public UUID conversationId() {
      return conversationId;
    }

    public UUID userMessageId() {
      return userMessageId;
    }

    /** Calls the provider, streaming to {@code sink}, and stores the answer. */
    public Answer run(DeltaSink sink) {
      return answer(caller, conversationId, userMessageId, context, model, provider, options, sink, cleared, started, mode);
    }
  }

  /** Two answers to one user turn; model names are for after the decision when comparisons are blind. */
  public record Comparison(UUID id, UUID conversationId, UUID promptMessageId, String modelA, String modelB,
      StoredMessage answerA, StoredMessage answerB, boolean blind) {}

  /** The outcome of a decision. {@code keptMessageId} is null when the user kept neither answer. */
  public record Decision(UUID comparisonId, String choice, UUID keptMessageId, String modelA, String modelB) {}

  private final Jdbi jdbi;
  private final Conversations conversations;
  private final ModelCatalog catalog;
  private final TokenCounter tokens;
  private final RateLimiter limiter;
  private final UsageLedger usage;
  private final AnonymousEvents analytics;
  private final DecisionEvent.Listener decisions;
  private final ExecutorService compareExecutor;
  private final boolean blindComparisons;
  private final PiiShield shield;
  private final ShieldPolicy shieldPolicy;
  private final ModelProviderFlows disclosures;
  private final Runnable makeDurable;
  private final Clock clock;

  public ChatService(Jdbi jdbi, Conversations conversations, ModelCatalog catalog, TokenCounter tokens, RateLimiter limiter,
      UsageLedger usage, AnonymousEvents analytics, DecisionEvent.Listener decisions, ExecutorService compareExecutor,
      boolean blindComparisons, PiiShield shield, ShieldPolicy shieldPolicy, ModelProviderFlows disclosures,
      Runnable makeDurable, Clock clock) {
    this.makeDurable = makeDurable;
    this.jdbi = jdbi;
    this.conversations = conversations;
    this.catalog = catalog;
    this.tokens = tokens;
    this.limiter = limiter;
    this.usage = usage;
    this.analytics = analytics;
    this.decisions = decisions;
    this.compareExecutor = compareExecutor;
    this.blindComparisons = blindComparisons;
    this.shield = shield;
    this.shieldPolicy = shieldPolicy;
    this.disclosures = disclosures;
    this.clock = clock;
  }

  public Conversations conversations() {
    return conversations;
  }

  /**
   * An OpenAI-compatible completion: the request carries its own context. A new conversation
   * stores every message of the request; an existing one stores the request's last message when
   * it is the user's.
   */
  public Pending complete(Caller caller, UUID conversation, List<ChatMessage> messages, String model, Options options) {
    ModelProvider provider = provider(model);
    long started = System.nanoTime();
    RateLimiter.Admission admission = admitRate(caller, model, provider, messages, options);
    record Admitted(UUID conversationId, UUID userMessageId, ShieldMode mode, DisclosureGate.Passed disclosure) {}
    Admitted admitted;
    try {
      // One transaction for the whole admission: the user's messages, the shield decision and the
      // disclosure gate. A refused flow rolls the messages back, so nothing is stored or sent.
      admitted = jdbi.inTransaction(h -> {
        UUID conversationId;
        UUID parent;
        if (conversation == null) {
          // The message ids are chosen first, so the conversation is created with its head in place.
          List<UUID> ids = new ArrayList<>(messages.size());
          for (int i = 0; i < messages.size(); i++) {
            ids.add(UUID.randomUUID());
          }
          conversationId = conversations.create(h, caller.subject(), lastUserText(messages), ids.get(ids.size() - 1));
          parent = null;
          for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            parent = conversations.insertMessage(h, ids.get(i), caller.subject(), conversationId, parent, m.role(), m.content(),
                null, "complete");
          }
        } else {
          conversations.requireForWrite(h, caller.subject(), conversation);
          Conversations.Row row = conversations.require(h, caller.subject(), conversation);
          conversationId = row.id();
          ChatMessage last = messages.get(messages.size() - 1);
          parent = row.head();
          if ("user".equals(last.role())) {
            parent = conversations.insertMessage(h, caller.subject(), conversationId, parent, last.role(), last.content(), null,
                "complete");
          }
          conversations.moveHead(h, conversationId, parent);
        }
        ShieldMode mode = shieldPolicy.decide(h, caller.subject(), provider.description());
        // Last: the gate's log rows for the day (16 stripes) are shared by every call, so one stays locked only until the commit.
        DisclosureGate.Passed disclosure = disclosures.beforeCall(h, caller.subject(), provider.description());
        return new Admitted(conversationId, parent, mode, disclosure);
      });
    } catch (RuntimeException e) {
      limiter.settle(admission, 0);
      throw e;
    }
    return new Pending(caller, admitted.conversationId(), admitted.userMessageId(), messages, model, provider, options,
        new Cleared(admission, admitted.disclosure()), started, admitted.mode());
  }

  /** A native turn: the user's message joins the current branch, which is the model's context. */
  public Pending send(Caller caller, UUID conversation, String content, String model, Options options) {
    requireText(content);
    ModelProvider provider = provider(model);
    long started = System.nanoTime();
    UUID head = conversation == null ? null : conversations.require(caller.subject(), conversation).head();
    List<ChatMessage> context = new ArrayList<>(toChat(conversations.pathTo(caller.subject(), conversation, head)));
    context.add(ChatMessage.user(content));
    Cleared cleared = admit(caller, model, provider, context, options);
    // A new conversation is created with its first message in one transaction: a refusal or a crash
    // in between must not leave an empty conversation behind.
    UUID[] ids = beforeSending(cleared, () -> jdbi.inTransaction(h -> {
      UUID id = conversation;
      if (id == null) {
        id = conversations.create(h, caller.subject(), content);
      } else {
        conversations.requireForWrite(h, caller.subject(), id);
      }
      UUID message = conversations.insertMessage(h, caller.subject(), id, head, "user", content, null, "complete");
      conversations.moveHead(h, id, message);
      return new UUID[] {id, message};
    }));
    return new Pending(caller, ids[0], ids[1], context, model, provider, options, cleared, started);
  }

  /** Edits a user message: the new text is a sibling version, answered afresh (P10). */
  public Pending edit(Caller caller, UUID userMessageId, String content, String model, Options options) {
    requireText(content);
    StoredMessage original = conversations.requireMessage(caller.subject(), userMessageId);
    if (!"user".equals(original.role())) {
      throw Problem.invalid("not_a_user_message", "only your own messages can be edited; regenerate answers instead");
    }
    ModelProvider provider = provider(model);
    long started = System.nanoTime();
    List<ChatMessage> context = new ArrayList<>(toChat(conversations.pathTo(caller.subject(), original.conversationId(), original.parentId())));
    context.add(ChatMessage.user(content));
    Cleared cleared = admit(caller, model, provider, context, options);
    UUID edited = beforeSending(cleared, () -> jdbi.inTransaction(h -> {
      conversations.requireForWrite(h, caller.subject(), original.conversationId());
      UUID id = conversations.insertMessage(h, caller.subject(), original.conversationId(), original.parentId(), "user", content, null, "complete");
      conversations.moveHead(h, original.conversationId(), id);
      return id;
    }));
    return new Pending(caller, original.conversationId(), edited, context, model, provider, options, cleared, started);
  }

  /** A new answer to the same user message, kept beside the earlier ones (P10). */
  public Pending regenerate(Caller caller, UUID assistantMessageId, String model, Options options) {
    StoredMessage earlier = conversations.requireMessage(caller.subject(), assistantMessageId);
    if (!"assistant".equals(earlier.role()) || earlier.parentId() == null) {
      throw Problem.invalid("not_an_answer", "only answers can be regenerated");
    }
    // The new answer would name its model, which a blind comparison keeps hidden until the decision.
    boolean undecided = jdbi.withHandle(h -> h.createQuery("""
            SELECT COUNT(*) FROM comparisons
            WHERE subject_id = :s AND choice IS NULL AND (answer_a_id = :m OR answer_b_id = :m)""")
        .bind("s", caller.subject()).bind("m", assistantMessageId).mapTo(Integer.class).one()) > 0;
    if (undecided) {
      throw new Problem(Problem.Kind.CONFLICT, "comparison_undecided",
          "this answer is one side of a comparison that is not decided yet; decide it first");
    }
    String chosen = model == null ? earlier.model() : model;
    ModelProvider provider = provider(chosen);
    long started = System.nanoTime();
    List<ChatMessage> context = toChat(conversations.pathTo(caller.subject(), earlier.conversationId(), earlier.parentId()));
    Cleared cleared = admit(caller, chosen, provider, context, options);
    return new Pending(caller, earlier.conversationId(), earlier.parentId(), context, chosen, provider, options, cleared, started);
  }

  /**
   * Two models answer the same new user turn concurrently. {@code models} names two, or is empty
   * for any two from the catalog. Neither answer joins the branch until the decision.
   */
  public Comparison compare(Caller caller, UUID conversation, String content, List<String> models) {
    requireText(content);
    List<String> pair = pickPair(models);
    ModelProvider providerA = provider(pair.get(0));
    ModelProvider providerB = provider(pair.get(1));
    long started = System.nanoTime();
    UUID head = conversations.require(caller.subject(), conversation).head();
    List<ChatMessage> context = new ArrayList<>(toChat(conversations.pathTo(caller.subject(), conversation, head)));
    context.add(ChatMessage.user(content));
    Cleared clearedA = admit(caller, pair.get(0), providerA, context, Options.DEFAULT);
    Cleared clearedB = beforeSending(clearedA, () -> admit(caller, pair.get(1), providerB, context, Options.DEFAULT));
    UUID prompt = beforeSending(clearedA, () -> beforeSending(clearedB, () -> jdbi.inTransaction(h -> {
      conversations.requireForWrite(h, caller.subject(), conversation);
      UUID id = conversations.insertMessage(h, caller.subject(), conversation, head, "user", content, null, "complete");
      conversations.moveHead(h, conversation, id);
      return id;
    })));
    // Neither side is sent until both are shielded: a refusal of one withdraws both.
    Shielded shieldedA = beforeSending(clearedB, () -> shield(caller, providerA, ChatRequest.of(pair.get(0), context), clearedA));
    Shielded shieldedB = beforeSending(clearedA, () -> shield(caller, providerB, ChatRequest.of(pair.get(1), context), clearedB));
    CompletableFuture<Outcome> a = CompletableFuture.supplyAsync(() -> invoke(providerA, shieldedA, DeltaSink.IGNORE), compareExecutor);
    CompletableFuture<Outcome> b = CompletableFuture.supplyAsync(() -> invoke(providerB, shieldedB, DeltaSink.IGNORE), compareExecutor);
    Outcome outA = a.join();
    Outcome outB = b.join();
    UUID answerA = storeAnswer(caller, conversation, prompt, pair.get(0), providerA, context, outA, clearedA.rate(), started, false,
        shieldedA);
    UUID answerB = storeAnswer(caller, conversation, prompt, pair.get(1), providerB, context, outB, clearedB.rate(), started, false,
        shieldedB);
    if (outA.failure() != null || outB.failure() != null) {
      // No comparison without two answers; the one that did arrive continues the conversation as a plain
      // answer, so the user keeps it (P02) and can regenerate it, rather than it sitting off every branch.
      UUID arrived = outA.failure() == null ? answerA : outB.failure() == null ? answerB : null;
      if (arrived != null) {
        jdbi.useTransaction(h -> {
          if (conversations.lockForWrite(h, caller.subject(), conversation)) {
            conversations.moveHead(h, conversation, arrived);
          }
        });
        makeDurable.run();
      }
      throw outA.failure() != null ? outA.failure() : outB.failure();
    }
    UUID id = UUID.randomUUID();
    jdbi.useTransaction(h -> {
      conversations.requireForWrite(h, caller.subject(), conversation);
      h.createUpdate("""
            INSERT INTO comparisons (id, subject_id, conversation_id, prompt_message_id, model_a, model_b, answer_a_id, answer_b_id, created_at)
            VALUES (:id, :s, :c, :p, :ma, :mb, :a, :b, :now)""")
          .bind("id", id).bind("s", caller.subject()).bind("c", conversation).bind("p", prompt)
          .bind("ma", pair.get(0)).bind("mb", pair.get(1)).bind("a", answerA).bind("b", answerB).bind("now", clock.instant())
          .execute();
    });
    makeDurable.run();
    return new Comparison(id, conversation, prompt, pair.get(0), pair.get(1),
        conversations.requireMessage(caller.subject(), answerA), conversations.requireMessage(caller.subject(), answerB),
        blindComparisons);
  }

  /**
   * Records the decision once. The chosen answer continues the conversation; for {@code tie} and
   * {@code both_bad}, {@code keep} says which to keep ({@code a}, {@code b} or {@code none}).
   */
  public Decision decide(UUID subject, UUID comparisonId, String choice, String keep) {
    if (choice == null || !CHOICES.contains(choice)) {
      throw Problem.invalid("invalid_choice", "choice must be one of a, b, tie, both_bad");
    }
    String kept = switch (choice) {
      case "a", "b" -> {
        if (keep != null && !keep.equals(choice)) {
          throw Problem.invalid("invalid_keep", "keep must match the choice when the choice is a or b");
        }
        yield choice;
      }
      default -> {
        if (keep != null && !Set.of("a", "b", "none").contains(keep)) {
          throw Problem.invalid("invalid_keep", "keep must be a, b or none");
        }
        yield keep == null ? "none" : keep;
      }
    };
    record Row(UUID conversation, UUID prompt, String modelA, String modelB, UUID a, UUID b, String choice) {}
    Row row = jdbi.withHandle(h -> h.createQuery("""
            SELECT conversation_id, prompt_message_id, model_a, model_b, answer_a_id, answer_b_id, choice
            FROM comparisons WHERE id = :id AND subject_id = :s""")
        .bind("id", comparisonId).bind("s", subject)
        .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
            rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getString(7)))
        .findOne()).orElseThrow(() -> Problem.notFound("no such comparison"));
    UUID keptMessage = switch (kept) {
      case "a" -> row.a();
      case "b" -> row.b();
      default -> null;
    };
    Instant now = clock.instant();
    int updated = jdbi.inTransaction(h -> {
      conversations.requireForWrite(h, subject, row.conversation());
      int n = h.createUpdate("""
              UPDATE comparisons SET choice = :choice, kept_message_id = :kept, decided_at = :now
              WHERE id = :id AND subject_id = :s AND choice IS NULL""")
          .bind("choice", choice).bind("kept", keptMessage).bind("now", now).bind("id", comparisonId).bind("s", subject)
          .execute();
      if (n == 1) {
        conversations.moveHead(h, row.conversation(), keptMessage != null ? keptMessage : row.prompt());
      }
      return n;
    });
    if (updated == 0 || row.choice() != null) {
      throw new Problem(Problem.Kind.CONFLICT, "already_decided", "this comparison was already decided");
    }
    List<ChatMessage> before = toChat(conversations.pathTo(subject, row.conversation(), row.prompt()));
    decisions.onDecision(new DecisionEvent(subject, before, row.modelA(), row.modelB(), choice, now));
    return new Decision(comparisonId, choice, keptMessage, row.modelA(), row.modelB());
  }

  /**
   * Thumbs up or down on one of the subject's answers, changeable. The rating stays with the
   * subject's data (P10); an anonymous event with only model, rating and day is recorded (P06).
   */
  public void feedback(UUID subject, UUID messageId, String rating) {
    if (rating == null || !RATINGS.contains(rating)) {
      throw Problem.invalid("invalid_rating", "rating must be up or down");
    }
    StoredMessage message = conversations.requireMessage(subject, messageId);
    if (!"assistant".equals(message.role())) {
      throw Problem.invalid("not_an_answer", "feedback is for answers");
    }
    // Kept for the subject either way; counted anonymously only while the subject allows it (P26,
    // P28), and a change retracts the old rating only if that one was counted.
    boolean counts = analytics.counts(subject);
    record Previous(String rating, boolean counted) {}
    Previous previous = jdbi.inTransaction(h -> {
      conversations.requireForWrite(h, subject, message.conversationId());
      Previous old = h.createQuery("SELECT rating, counted FROM message_feedback WHERE message_id = :m AND subject_id = :s")
          .bind("m", messageId).bind("s", subject).map((rs, ctx) -> new Previous(rs.getString(1), rs.getBoolean(2)))
          .findOne().orElse(null);
      if (old != null && old.rating().equals(rating)) {
        return old;
      }
      if (old == null) {
        h.createUpdate("""
                INSERT INTO message_feedback (message_id, subject_id, rating, counted, updated_at)
                VALUES (:m, :s, :r, :counted, :now)""")
            .bind("m", messageId).bind("s", subject).bind("r", rating).bind("counted", counts).bind("now", clock.instant()).execute();
      } else {
        h.createUpdate("UPDATE message_feedback SET rating = :r, counted = :counted, updated_at = :now WHERE message_id = :m")
            .bind("r", rating).bind("counted", counts).bind("now", clock.instant()).bind("m", messageId).execute();
      }
      return old;
    });
    if (previous != null && rating.equals(previous.rating())) {
      return;
    }
    if (previous != null && previous.counted()) {
      analytics.record(AnonymousEvents.FEEDBACK_RETRACTED, message.model(), previous.rating());
    }
    if (counts) {
      analytics.record(AnonymousEvents.FEEDBACK, message.model(), rating);
    }
  }

  private Answer answer(Caller caller, UUID conversation, UUID userMessage, List<ChatMessage> context, String model,
      ModelProvider provider, Options options, DeltaSink sink, Cleared cleared, long started, ShieldMode mode) {
    ChatRequest request = new ChatRequest(model, context, options.temperature(), options.topP(), options.maxTokens());
    Shielded shielded = mode == null ? shield(caller, provider, request, cleared) : shield(caller, provider, request, cleared, mode);
    Outcome outcome = invoke(provider, shielded, sink);
    UUID stored = storeAnswer(caller, conversation, userMessage, model, provider, context, outcome, cleared.rate(), started, true,
        shielded);
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    if (outcome.gone() != null) {
      throw outcome.gone();
    }
    TokenUsage counted = usageOf(context, outcome.completion());
    // The caller acknowledges the answer next, on a stream before the request ends: make it durable first.
    makeDurable.run();
    return new Answer(conversation, userMessage, stored, model, outcome.completion(), counted);
  }

  /** A request as it will leave for the provider: shielded as the policy says, with the means to restore. */
  private record Shielded(ChatRequest request, PiiShield.Shielded result) {
    Pseudonymizer pseudonymizer() {
      return result.pseudonymizer();
    }

    String counts() {
      StringBuilder out = new StringBuilder();
      result.counts().forEach((type, n) -> out.append(out.length() == 0 ? "" : ";").append(type).append('=').append(n));
      return out.toString();
    }
  }

  /** Runs the shield; when it cannot run, the request is refused (fail closed) and recorded so. */
  private Shielded shield(Caller caller, ModelProvider provider, ChatRequest request, Cleared cleared) {
    ShieldMode mode = beforeSending(cleared, () -> shieldPolicy.decide(caller.subject(), provider.description()));
    return shield(caller, provider, request, cleared, mode);
  }

  private Shielded shield(Caller caller, ModelProvider provider, ChatRequest request, Cleared cleared, ShieldMode mode) {
    PiiShield.Shielded result;
    try {
      result = shield.apply(request.messages().stream().map(ChatMessage::content).toList(), mode);
    } catch (Problem e) {
      release(cleared);
      usage.record(new UsageRecord(caller.subject(), caller.apiKeyId(), caller.endpoint(), request.model(),
          provider.description().name(), 0, 0, 0, 0, 0, null, "shield_failed", clock.instant(), mode.wireName(), null));
      throw e;
    }
    List<ChatMessage> outgoing = new ArrayList<>(request.messages().size());
    for (int i = 0; i < request.messages().size(); i++) {
      outgoing.add(new ChatMessage(request.messages().get(i).role(), result.texts().get(i)));
    }
    return new Shielded(new ChatRequest(request.model(), outgoing, request.temperature(), request.topP(), request.maxTokens()), result);
  }

  /** Calls the provider; placeholders in the answer are restored, also inside streamed chunks. */
  private Outcome invoke(ModelProvider provider, Shielded shielded, DeltaSink sink) {
    TimedSink timed = new TimedSink(sink);
    Pseudonymizer pseudonymizer = shielded.pseudonymizer();
    Pseudonymizer.Restorer restorer = pseudonymizer == null ? null : pseudonymizer.restorer(timed::accept);
    try {
      Completion completion = provider.complete(shielded.request(), restorer == null ? timed : restorer::accept);
      if (restorer != null) {
        restorer.finish();
        completion = new Completion(pseudonymizer.restore(completion.content()), completion.finishReason(), completion.usage());
      }
      return new Outcome(completion, null, null, timed.firstNanos);
    } catch (ProviderException e) {
      // Operators need to see a failing upstream without reading usage tables. The message is one
      // of the provider's fixed texts and the cause is the JDK's, so no prompt or answer text and
      // no upstream error body (which may quote the prompt) reaches the log.
      Throwable cause = e.getCause();
      LOG.warn("model provider {} failed for model {}: {} ({}{})", provider.description().name(), shielded.request().model(),
          e.kind(), e.getMessage(), cause == null ? "" : "; " + cause.getClass().getSimpleName());
      ProviderException restored = pseudonymizer == null ? e
          : new ProviderException(e.kind(), e.getMessage(), pseudonymizer.restore(e.partial()), e.retryAfterSeconds(), e);
      return new Outcome(null, restored, null, timed.firstNanos);
    } catch (DeltaSink.ClientGoneException e) {
      return new Outcome(null, null, e, timed.firstNanos).withPartial(timed.received.toString());
    }
  }

  /** Stores an answer (or what arrived of it), records usage, settles the token bucket. */
  private UUID storeAnswer(Caller caller, UUID conversation, UUID parent, String model, ModelProvider provider,
      List<ChatMessage> context, Outcome outcome, RateLimiter.Admission admission, long started, boolean moveHead,
      Shielded shielded) {
    String content = outcome.completion() != null ? outcome.completion().content()
        : outcome.failure() != null ? outcome.failure().partial() : outcome.partial();
    String status = outcome.completion() != null ? "complete" : outcome.failure() != null ? "failed" : "partial";
    TokenUsage counted = outcome.completion() != null ? usageOf(context, outcome.completion())
        : new TokenUsage(tokens.countPrompt(context), tokens.count(content));
    limiter.settle(admission, counted.totalTokens());
    long now = System.nanoTime();
    UsageRecord record = new UsageRecord(caller.subject(), caller.apiKeyId(), caller.endpoint(), model, provider.description().name(),
        context.stream().mapToInt(m -> m.content().length()).sum(), content.length(),
        counted.promptTokens(), counted.completionTokens(), (now - started) / 1_000_000,
        outcome.firstNanos() == null ? null : (outcome.firstNanos() - started) / 1_000_000,
        outcome.completion() != null ? "ok" : outcome.gone() != null ? "client_closed" : statusOf(outcome.failure()),
        clock.instant(), shielded.result().mode().wireName(), shielded.counts());
    // The answer, the head move and the usage record commit together: one transaction per turn's end.
    HandleCallback<UUID, RuntimeException> endOfTurn = h -> {
      UUID id = null;
      // A conversation deleted while the model answered keeps nothing of the turn; usage still counts.
      if ((outcome.completion() != null || !content.isEmpty()) && conversations.lockForWrite(h, caller.subject(), conversation)) {
        id = conversations.insertMessage(h, caller.subject(), conversation, parent, "assistant", content, model, status);
        if (moveHead) {
          conversations.moveHead(h, conversation, id);
        }
      }
      usage.record(h, record);
      return id;
    };
    try {
      return jdbi.inTransaction(endOfTurn);
    } catch (ConnectionException e) {
      // No connection could be had (the pool was exhausted for its whole time-out), so nothing of
      // this transaction ran: trying once more cannot store the answer twice, and the client has
      // already read it, so it is worth the wait.
      return jdbi.inTransaction(endOfTurn);
    }
  }

  /**
   * A call cleared to go: its rate-limit tokens taken and its flow through the disclosure gate
   * logged. Until the provider is called, {@link #release} gives both back.
   */
  private record Cleared(RateLimiter.Admission rate, DisclosureGate.Passed disclosure) {}

  /** Rate limits, then the disclosure gate in a transaction of its own. */
  private Cleared admit(Caller caller, String model, ModelProvider provider, List<ChatMessage> context, Options options) {
    RateLimiter.Admission admission = admitRate(caller, model, provider, context, options);
    try {
      return new Cleared(admission, disclosures.beforeCall(caller.subject(), provider.description()));
    } catch (RuntimeException e) {
      limiter.settle(admission, 0);
      throw e;
    }
  }

  /** Nothing of a cleared call was sent: its tokens go back and its flow leaves the disclosure log. */
  private void release(Cleared cleared) {
    limiter.settle(cleared.rate(), 0);
    disclosures.notSent(cleared.disclosure());
  }

  /** Runs a step that comes before the call is sent; if it fails, the call is released. */
  private <T> T beforeSending(Cleared cleared, java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      release(cleared);
      throw e;
    }
  }

  /** Takes from the rate-limit buckets; a refusal is recorded as a usage record and thrown. */
  private RateLimiter.Admission admitRate(Caller caller, String model, ModelProvider provider, List<ChatMessage> context,
      Options options) {
    long estimate = tokens.countPrompt(context) + (options.maxTokens() == null ? 0 : Math.min(options.maxTokens(), 4096));
    try {
      return limiter.admit(caller.subject(), caller.apiKeyId(), estimate);
    } catch (Problem e) {
      usage.record(new UsageRecord(caller.subject(), caller.apiKeyId(), caller.endpoint(), model, provider.description().name(),
          0, 0, 0, 0, 0, null, "rate_limited", clock.instant(), null, null));
      throw e;
    }
  }

  private TokenUsage usageOf(List<ChatMessage> context, Completion completion) {
    return completion.usage() != null ? completion.usage()
        : new TokenUsage(tokens.countPrompt(context), tokens.count(completion.content()));
  }

  private ModelProvider provider(String model) {
    if (model == null || model.isBlank()) {
      throw Problem.invalid("missing_model", "a model is required; GET /v1/models lists them");
    }
    return catalog.providerFor(model).orElseThrow(() ->
        Problem.invalid("model_not_found", "the model does not exist or you do not have access to it"));
  }

  private List<String> pickPair(List<String> requested) {
    if (requested != null && !requested.isEmpty()) {
      if (requested.size() != 2 || requested.get(0).equals(requested.get(1))) {
        throw Problem.invalid("invalid_models", "name exactly two different models, or none for any two");
      }
      return requested;
    }
    List<String> pool = new ArrayList<>(catalog.models());
    if (pool.size() < 2) {
      throw Problem.invalid("invalid_models", "fewer than two models are available to compare");
    }
    String first = pool.remove(ThreadLocalRandom.current().nextInt(pool.size()));
    return List.of(first, pool.get(ThreadLocalRandom.current().nextInt(pool.size())));
  }

  private static String statusOf(ProviderException e) {
    return switch (e.kind()) {
      case RATE_LIMITED -> "rate_limited";
      case REJECTED -> "rejected";
      case TIMEOUT -> "timeout";
      case UPSTREAM_ERROR -> "upstream_error";
    };
  }

  private static List<ChatMessage> toChat(List<StoredMessage> messages) {
    return messages.stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
  }

  private static String lastUserText(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).role())) {
        return messages.get(i).content();
      }
    }
    return messages.get(messages.size() - 1).content();
  }

  private static void requireText(String content) {
    if (content == null || content.isBlank()) {
      throw Problem.invalid("empty_message", "the message must not be empty");
    }
  }

  /** The result of one provider call: exactly one of completion, failure and gone is set. */
  private record Outcome(Completion completion, ProviderException failure, DeltaSink.ClientGoneException gone, Long firstNanos,
      String partial) {
    Outcome(Completion completion, ProviderException failure, DeltaSink.ClientGoneException gone, Long firstNanos) {
      this(completion, failure, gone, firstNanos, "");
    }

    Outcome withPartial(String text) {
      return new Outcome(completion, failure, gone, firstNanos, text);
    }
  }

  /** Notes when the first piece arrived and keeps what was passed on. */
  private static final class TimedSink implements DeltaSink {
    private final DeltaSink inner;
    private final StringBuilder received = new StringBuilder();
    private volatile Long firstNanos;

    TimedSink(DeltaSink inner) {
      this.inner = inner;
    }

    @Override
    public void accept(String delta) {
      if (firstNanos == null) {
        firstNanos = System.nanoTime();
      }
      received.append(delta);
      inner.accept(delta);
    }
  }
}
