package dev.confide.http;

import static dev.confide.http.QueryParams.intParam;

import dev.confide.chat.ChatService;
import dev.confide.chat.ConversationSummary;
import dev.confide.chat.ConversationView;
import dev.confide.chat.Page;
import dev.confide.chat.StoredMessage;
import dev.confide.models.DeltaSink;
import dev.confide.problem.Problem;
import dev.confide.usage.UsageLedger;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The native chat API: history (paged), one conversation with its current branch, deletion (P03),
 * new turns, edits and regenerations (P10), comparisons and decisions, feedback, usage. A turn
 * answers as JSON, or as server-sent events ({@code delta}, then {@code done} or {@code error})
 * when the client asks for {@code text/event-stream}. Ids that are not the caller's are 404.
 */
final class ChatRoutes {
  private final ChatService chat;
  private final UsageLedger usage;
  private final Clock clock;
  private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  ChatRoutes(ChatService chat, UsageLedger usage, Clock clock) {
    this.chat = chat;
    this.usage = usage;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/conversations", this::list);
    routes.post("/api/conversations", this::start);
    routes.get("/api/conversations/{id}", this::view);
    routes.delete("/api/conversations/{id}", this::delete);
    routes.delete("/api/conversations", this::deleteAll);
    routes.post("/api/conversations/{id}/messages", this::send);
    routes.post("/api/conversations/{id}/compare", this::compare);
    routes.post("/api/messages/{id}/edit", this::edit);
    routes.post("/api/messages/{id}/regenerate", this::regenerate);
    routes.post("/api/messages/{id}/feedback", this::feedback);
    routes.post("/api/comparisons/{id}/decision", this::decide);
    routes.get("/api/usage", this::usage);
  }

  private void list(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    int limit = intParam(ctx, "limit", 20, 1, 100);
    Page<ConversationSummary> page = chat.conversations().list(subject, limit, ctx.queryParam("cursor"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", page.items().stream().map(c -> Map.of("id", c.id().toString(), "title", c.title(),
        "createdAt", c.createdAt(), "lastActivityAt", c.lastActivityAt())).toList());
    body.put("nextCursor", page.nextCursor());
    ctx.json(body);
  }

  /** Starts a conversation with its first message (the title comes from it). */
  private void start(Context ctx) {
    turn(ctx, (caller, body) -> chat.send(caller, null, body.requiredString("content"), body.requiredString("model"), options(body)));
  }

  private void send(Context ctx) {
    UUID conversation = id(ctx, "conversation");
    turn(ctx, (caller, body) ->
        chat.send(caller, conversation, body.requiredString("content"), body.requiredString("model"), options(body)));
  }

  private void edit(Context ctx) {
    UUID message = id(ctx, "message");
    turn(ctx, (caller, body) ->
        chat.edit(caller, message, body.requiredString("content"), body.requiredString("model"), options(body)));
  }

  private void regenerate(Context ctx) {
    UUID message = id(ctx, "message");
    turn(ctx, (caller, body) -> chat.regenerate(caller, message, body.optionalString("model").orElse(null), options(body)));
  }

  private interface TurnStarter {
    ChatService.Pending start(ChatService.Caller caller, JsonBody body);
  }

  private void turn(Context ctx, TurnStarter starter) {
    Principal principal = ConfideHttp.principal(ctx);
    JsonBody body = JsonBody.read(ctx, Set.of("content", "model", "temperature", "maxTokens"));
    ChatService.Caller caller = new ChatService.Caller(principal.subject(), principal.apiKeyId(), "app");
    ChatService.Pending pending = starter.start(caller, body);
    ctx.header(OpenAiRoutes.CONVERSATION_HEADER, pending.conversationId().toString());
    boolean stream = ctx.header("Accept") != null && ctx.header("Accept").contains("text/event-stream");
    if (!stream) {
      ChatService.Answer answer = pending.run(DeltaSink.IGNORE);
      ctx.status(201).json(answerBody(principal, answer));
      return;
    }
    SseStream sse = new SseStream(ctx);
    try {
      ChatService.Answer answer = pending.run(delta -> sse.send("delta", write(Map.of("content", delta))));
      sse.send("done", write(answerBody(principal, answer)));
    } catch (DeltaSink.ClientGoneException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!sse.started()) {
        throw e;
      }
      sse.send("error", write(ConfideHttp.fault(ctx, e).body(false)));
    }
  }

  private Map<String, Object> answerBody(Principal principal, ChatService.Answer answer) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("conversationId", answer.conversationId().toString());
    body.put("userMessageId", answer.userMessageId().toString());
    body.put("message", Map.of("id", answer.messageId().toString(), "role", "assistant",
        "content", answer.completion().content(), "model", answer.model(), "status", "complete"));
    body.put("usage", Map.of("promptTokens", answer.usage().promptTokens(), "completionTokens", answer.usage().completionTokens()));
    return body;
  }

  private void view(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    ConversationView view = chat.conversations().view(subject, id(ctx, "conversation"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", view.id().toString());
    body.put("title", view.title());
    body.put("createdAt", view.createdAt());
    body.put("lastActivityAt", view.lastActivityAt());
    List<Map<String, Object>> messages = new ArrayList<>();
    for (ConversationView.Turn turn : view.messages()) {
      StoredMessage m = turn.message();
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("id", m.id().toString());
      message.put("role", m.role());
      message.put("content", m.content());
      message.put("model", m.model());
      message.put("createdAt", m.createdAt());
      message.put("status", m.status());
      message.put("version", turn.version());
      message.put("versions", turn.versions());
      message.put("rating", turn.rating());
      messages.add(message);
    }
    body.put("messages", messages);
    ctx.json(body);
  }

  private void delete(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    if (!chat.conversations().delete(subject, id(ctx, "conversation"))) {
      throw Problem.notFound("no such conversation");
    }
    ctx.status(204);
  }

  private void deleteAll(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    ctx.json(Map.of("deleted", chat.conversations().deleteAll(subject)));
  }

  private void compare(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    UUID conversation = id(ctx, "conversation");
    JsonBody body = JsonBody.read(ctx, Set.of("content", "models"));
    List<String> models = body.has("models") && !body.isNull("models") ? body.requiredStringList("models") : List.of();
    ChatService.Comparison comparison = chat.compare(new ChatService.Caller(principal.subject(), principal.apiKeyId(), "app"),
        conversation, body.requiredString("content"), models);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", comparison.id().toString());
    result.put("conversationId", comparison.conversationId().toString());
    List<Map<String, Object>> answers = new ArrayList<>();
    answers.add(answer("a", comparison.answerA(), comparison.blind() ? null : comparison.modelA()));
    answers.add(answer("b", comparison.answerB(), comparison.blind() ? null : comparison.modelB()));
    result.put("answers", answers);
    result.put("blind", comparison.blind());
    ctx.status(201).json(result);
  }

  private static Map<String, Object> answer(String label, StoredMessage message, String model) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("label", label);
    a.put("messageId", message.id().toString());
    a.put("content", message.content());
    if (model != null) {
      a.put("model", model);
    }
    return a;
  }

  private void decide(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    JsonBody body = JsonBody.read(ctx, Set.of("choice", "keep"));
    ChatService.Decision decision = chat.decide(subject, id(ctx, "comparison"), body.requiredString("choice"),
        body.optionalString("keep").orElse(null));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", decision.comparisonId().toString());
    result.put("choice", decision.choice());
    result.put("keptMessageId", decision.keptMessageId() == null ? null : decision.keptMessageId().toString());
    result.put("models", Map.of("a", decision.modelA(), "b", decision.modelB()));
    ctx.json(result);
  }

  private void feedback(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    UUID message = id(ctx, "message");
    String rating = JsonBody.read(ctx, Set.of("rating")).requiredString("rating");
    chat.feedback(subject, message, rating);
    ctx.json(Map.of("messageId", message.toString(), "rating", rating));
  }

  private void usage(Context ctx) {
    UUID subject = ConfideHttp.principal(ctx).subject();
    int days = intParam(ctx, "days", 30, 1, 800);
    Instant now = clock.instant();
    List<UsageLedger.DailyTotal> totals = usage.dailyTotals(subject, now.minus(Duration.ofDays(days)), now.plusSeconds(1));
    ctx.json(Map.of("data", totals.stream().map(t -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("day", t.day().toString());
      m.put("model", t.model());
      m.put("requests", t.requests());
      m.put("promptTokens", t.promptTokens());
      m.put("completionTokens", t.completionTokens());
      m.put("inputChars", t.inputChars());
      m.put("outputChars", t.outputChars());
      m.put("errors", t.errors());
      return m;
    }).toList()));
  }

  private static ChatService.Options options(JsonBody body) {
    return new ChatService.Options(body.optionalNumber("temperature", 0, 2).orElse(null), null,
        body.optionalNumber("maxTokens", 1, 1_000_000).map(Double::intValue).orElse(null));
  }

  private static UUID id(Context ctx, String what) {
    return PathIds.uuid(ctx, what);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
