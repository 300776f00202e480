package dev.confide.http;

import dev.confide.models.DeltaSink;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-event response that is committed lazily: headers go out with the first event, so a
 * failure before any output can still become a proper JSON error with its status code. A write to a
 * client that has gone raises {@link DeltaSink.ClientGoneException}.
 */
final class SseStream {
  private final Context ctx;
  private OutputStream out;

  SseStream(Context ctx) {
    this.ctx = ctx;
  }

  boolean started() {
    return out != null;
  }

  /** Writes one {@code data:} event (and an {@code event:} line when {@code name} is set) and flushes. */
  void send(String name, String data) {
    send(name, data, true);
  }

  /**
   * Writes one event; {@code flush} false leaves it in the response buffer for the next flushing
   * send, so events that are ready together (the end of a stream) leave in one write.
   */
  void send(String name, String data, boolean flush) {
    try {
      if (out == null) {
        ctx.status(200);
        ctx.header("Content-Type", "text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        out = ctx.res().getOutputStream();
      }
      StringBuilder event = new StringBuilder();
      if (name != null) {
        event.append("event: ").append(name).append('\n');
      }
      event.append("data: ").append(data).append("\n\n");
      out.write(event.toString().getBytes(StandardCharsets.UTF_8));
      if (flush) {
        out.flush();
      }
    } catch (IOException e) {
      throw new DeltaSink.ClientGoneException(e);
    }
  }
}
