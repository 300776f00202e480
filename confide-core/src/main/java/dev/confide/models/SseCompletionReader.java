package dev.confide.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads an upstream's server-sent event stream of chat completion chunks ({@code data: {json}}
 * lines up to {@code data: [DONE]}). Whatever the upstream sends, the outcome is a completion, the
 * end of the stream, or a {@link ProviderException}: a line longer than {@link #MAX_LINE_CHARS}
 * is refused instead of buffered, and so is an answer past {@link #MAX_CONTENT_CHARS}, so a broken
 * or hostile upstream cannot exhaust memory.
 */
final class SseCompletionReader {
  /** Far above any real chunk (a few hundred characters); bounds what one line may buffer. */
  static final int MAX_LINE_CHARS = 1 << 20;
  /** Far above any real answer; an upstream that streams more is cut rather than held in memory. */
  static final int MAX_CONTENT_CHARS = 8 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Reader in;
  private final StringBuilder line = new StringBuilder();
  /** Characters read but not yet consumed are {@code buffer[pos..limit)}. */
  private final char[] buffer = new char[8192];
  private int pos;
  private int limit;
  private boolean afterCarriageReturn;

  SseCompletionReader(Reader in) {
    this.in = in;
  }

  /**
   * Streams the deltas to {@code sink} while appending them to {@code content}.
   *
   * @param onLine called after each line read (the idle watchdog's heartbeat)
   * @return the completion at {@code [DONE]}, or null when the stream ended before it
   */
  Completion read(StringBuilder content, DeltaSink sink, Runnable onLine) throws IOException {
    String finishReason = null;
    TokenUsage usage = null;
    String next;
    while ((next = nextLine(content)) != null) {
      onLine.run();
      if (!next.startsWith("data:")) {
        continue; // comments, event names, blank separators
      }
      String data = next.substring(5).trim();
      if (data.equals("[DONE]")) {
        return new Completion(content.toString(), finishReason == null ? "stop" : finishReason, usage);
      }
      JsonNode chunk = parse(data, content);
      if (chunk.has("error")) {
        throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider reported an error mid-stream",
            content.toString(), null, null);
      }
      JsonNode choice = chunk.path("choices").path(0);
      String delta = choice.path("delta").path("content").asText("");
      if (!delta.isEmpty()) {
        if (content.length() + delta.length() > MAX_CONTENT_CHARS) {
          throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider sent an oversized answer",
              content.toString(), null, null);
        }
        content.append(delta);
        sink.accept(delta);
      }
      if (choice.hasNonNull("finish_reason")) {
        finishReason = choice.get("finish_reason").asText();
      }
      JsonNode u = chunk.get("usage");
      if (u != null && u.isObject()) {
        usage = new TokenUsage(u.path("prompt_tokens").asInt(), u.path("completion_tokens").asInt());
      }
    }
    return null;
  }

  /** The next line without its terminator (LF, CR or CRLF, as SSE allows), or null at the end. */
  private String nextLine(StringBuilder soFar) throws IOException {
    line.setLength(0);
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer, 0, buffer.length);
        pos = 0;
        if (limit < 0) {
          limit = 0;
          return line.length() > 0 ? line.toString() : null;
        }
      }
      if (afterCarriageReturn) {
        afterCarriageReturn = false;
        if (buffer[pos] == '\n') {
          pos++;
          continue;
        }
      }
      // Scan the buffered characters in bulk: a chunk line is usually read with one call.
      int start = pos;
      while (pos < limit && buffer[pos] != '\n' && buffer[pos] != '\r') {
        pos++;
      }
      if (line.length() + (pos - start) > MAX_LINE_CHARS) {
        throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider sent an oversized event",
            soFar.toString(), null, null);
      }
      line.append(buffer, start, pos - start);
      if (pos < limit) {
        afterCarriageReturn = buffer[pos] == '\r';
        pos++;
        return line.toString();
      }
    }
  }

  private static JsonNode parse(String data, StringBuilder soFar) {
    try {
      return JSON.readTree(data);
    } catch (JsonProcessingException e) {
      throw new ProviderException(ProviderException.Kind.UPSTREAM_ERROR, "the model provider sent malformed data",
          soFar.toString(), null, e);
    }
  }
}
