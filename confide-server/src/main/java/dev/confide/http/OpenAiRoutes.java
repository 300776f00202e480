package dev.confide.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.chat.ChatService;
import dev.confide.models.ChatMessage;
import dev.confide.models.DeltaSink;
import dev.confide.models.ModelCatalog;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The OpenAI-compatible API: {@code GET /v1/models} and {@code POST /v1/chat/completions} (JSON or
 * server-sent events in OpenAI's chunk format). Official OpenAI SDKs work unchanged. The header
 * {@code X-Confide-Conversation} names an existing conversation; the response carries it back.
 */
final class OpenAiRoutes {
  static final String CONVERSATION_HEADER = "X-Confide-Conversation";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** OpenAI parameters Confide accepts and ignores; anything else is refused as unknown. */
  private static final Set<String> IGNORED = Set.of("user", "seed", "stop", "presence_penalty", "frequency_penalty",
      "logit_bias", "logprobs", "top_logprobs", "response_format", "metadata", "store", "service_tier", "parallel_tool_calls");
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

  private final ChatService chat;
  private final ModelCatalog catalog;
  private final int maxPromptChars;

  OpenAiRoutes(ChatService chat, ModelCatalog catalog, int maxPromptChars) {
    this.chat = chat;
    this.catalog = catalog;
    this.maxPromptChars = maxPromptChars;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/models", this::models);
    routes.post("/v1/chat/completions", this::completions);
  }

  private void models(Context ctx) {
    ConfideHttp.principal(ctx);
    ArrayNode data = JSON.createArrayNode();
    for (ModelCatalog.Entry entry : catalog.entries()) {
      ObjectNode m = data.addObject();
      m.put("id", entry.model());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", entry.provider().builtIn() ? "confide-builtin" : entry.provider().name());
      m.put("confide_builtin", entry.provider().builtIn());
    }
    ObjectNode body = JSON.createObjectNode().put("object", "list");
    body.set("data", data);
    ctx.json(body);
  }

  private void completions(Context ctx) {
    Principal principal = ConfideHttp.principal(ctx);
    Request request = parse(ctx);
    UUID conversation = conversationHeader(ctx);
    ChatService.Caller caller = new ChatService.Caller(principal.subject(), principal.apiKeyId(), "api");
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    long created = System.currentTimeMillis() / 1000;
    ChatService.Pending pending = chat.complete(caller, conversation, request.messages(), request.model(), request.options());
    ctx.header(CONVERSATION_HEADER, pending.conversationId().toString());
    if (!request.stream()) {
      ChatService.Answer answer = pending.run(DeltaSink.IGNORE);
      ObjectNode body = JSON.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
          .put("model", answer.model());
      ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", answer.completion().content());
      choice.putNull("logprobs");
      choice.put("finish_reason", answer.completion().finishReason());
      body.set("usage", usage(answer));
      ctx.json(body);
      return;
    }
    StreamingAnswer streaming = new StreamingAnswer(ctx, id, created, request.model());
    try {
      ChatService.Answer answer = pending.run(streaming::delta);
      streaming.finish(answer, request.includeUsage());
    } catch (DeltaSink.ClientGoneException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!streaming.sse.started()) {
        throw e;
      }
      // The stream had begun (the provider failed mid-answer, or the end of the turn could not be
      // stored): the client gets an error event it can act on instead of a connection cut mid-stream.
      streaming.sse.send(null, JSON.valueToTree(ConfideHttp.fault(ctx, e).body(true)).toString());
    }
  }

  /**
   * Writes OpenAI chunks: the first carries the role, then one per delta, then finish and usage.
   * Chunks are written as text around a fixed prefix (the same JSON Jackson trees gave, field for
   * field), not built as trees: one per delta is the hot path of a stream.
   */
  private static final class StreamingAnswer {
    private static final String OPEN_END = ",\"logprobs\":null,\"finish_reason\":null}]}";
    final SseStream sse;
    /** {@code {"id":…,"object":"chat.completion.chunk","created":…,"model":…,} */
    private final String base;
    /** {@link #base} then {@code "choices":[{"index":0,"delta":} */
    private final String choicePrefix;

    StreamingAnswer(Context ctx, String id, long created, String model) {
      this.sse = new SseStream(ctx);
      this.base = "{\"id\":" + quoted(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":"
          + quoted(model) + ",";
      this.choicePrefix = base + "\"choices\":[{\"index\":0,\"delta\":";
    }

    void delta(String text) {
      startOnce();
      sse.send(null, choicePrefix + "{\"content\":" + quoted(text) + "}" + OPEN_END);
    }

    void finish(ChatService.Answer answer, boolean includeUsage) {
      startOnce();
      String reason = answer.completion().finishReason();
      sse.send(null, choicePrefix + "{},\"logprobs\":null,\"finish_reason\":" + (reason == null ? "null" : quoted(reason)) + "}]}",
          false);
      if (includeUsage) {
        sse.send(null, base + "\"choices\":[],\"usage\":" + usage(answer) + "}", false);
      }
      sse.send(null, "[DONE]");
    }

    private void startOnce() {
      if (!sse.started()) {
        // Leaves with the event that follows it, in one write.
        sse.send(null, choicePrefix + "{\"role\":\"assistant\",\"content\":\"\"}" + OPEN_END, false);
      }
    }

    private static String quoted(String text) {
      StringBuilder out = new StringBuilder(text.length() + 8).append('"');
      JsonStringEncoder.getInstance().quoteAsString(text, out);
      return out.append('"').toString();
    }
  }

  private static ObjectNode usage(ChatService.Answer answer) {
    return JSON.createObjectNode()
        .put("prompt_tokens", answer.usage().promptTokens())
        .put("completion_tokens", answer.usage().completionTokens())
        .put("total_tokens", answer.usage().totalTokens());
  }

  private record Request(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
      ChatService.Options options) {}

  private Request parse(Context ctx) {
    JsonNode body = JsonBody.readTree(ctx);
    body.fieldNames().forEachRemaining(name -> {
      if (!Set.of("model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens",
          "max_completion_tokens", "n").contains(name) && !IGNORED.contains(name)) {
        throw param("unknown_parameter", "unrecognized request argument supplied: " + JsonBody.printable(name));
      }
    });
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw param("missing_model", "you must provide a model parameter");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw param("invalid_messages", "'messages' must be a non-empty array");
    }
    List<ChatMessage> parsed = new ArrayList<>();
    long chars = 0;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!m.isObject() || !ROLES.contains(role)) {
        throw param("invalid_role", "messages[" + i + "].role must be one of system, developer, user, assistant");
      }
      String content = content(m.get("content"), i);
      if (content.isBlank() && "user".equals(role)) {
        throw param("empty_message", "messages[" + i + "].content must not be empty");
      }
      chars += content.length();
      parsed.add(new ChatMessage("developer".equals(role) ? "system" : role, content));
    }
    if (chars > maxPromptChars) {
      throw param("context_length_exceeded", "the messages are longer than this server accepts (" + maxPromptChars + " characters)");
    }
    if (body.has("n") && !body.get("n").isNull() && !(body.get("n").isInt() && body.get("n").asInt() == 1)) {
      throw param("invalid_n", "only n = 1 is supported");
    }
    Double temperature = number(body, "temperature", 0, 2);
    Double topP = number(body, "top_p", 0, 1);
    Integer maxTokens = positiveInt(body, body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw param("invalid_stream", "'stream' must be a boolean");
    }
    boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    return new Request(model.asText(), parsed, stream != null && stream.asBoolean(), includeUsage,
        new ChatService.Options(temperature, topP, maxTokens));
  }

  private static String content(JsonNode content, int index) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw param("unsupported_content", "messages[" + index + "].content parts must be of type text");
        }
        text.append(part.get("text").asText());
      }
      return text.toString();
    }
    throw param("invalid_content", "messages[" + index + "].content must be a string or an array of text parts");
  }

  private static Double number(JsonNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw param("invalid_" + field, "'" + field + "' must be a number from " + min + " to " + max);
    }
    return v.asDouble();
  }

  private static Integer positiveInt(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 1_000_000) {
      throw param("invalid_" + field, "'" + field + "' must be a positive integer");
    }
    return v.asInt();
  }

  private static UUID conversationHeader(Context ctx) {
    String header = ctx.header(CONVERSATION_HEADER);
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return UUID.fromString(header.trim());
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("no such conversation");
    }
  }

  private static Problem param(String code, String message) {
    return Problem.invalid(code, message);
  }
}
